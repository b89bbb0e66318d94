// Reads an iCalendar file on stdin; prints {uid: start as UTC ISO 8601} as ical.js understands it,
// with the file's own VTIMEZONEs registered (as a calendar client does).
import ICAL from "ical.js";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const calendar = new ICAL.Component(ICAL.parse(input));
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }
  const found = {};
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    found[event.uid] = {
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
    };
  }
  process.stdout.write(JSON.stringify(found));
});
