// Runs before the first paint (loaded without defer, in <head>): styles that depend on JavaScript
// (the hidden language button, the phone menu) apply from the start, so the layout never shifts.
document.documentElement.classList.add("js");
