"""The referral pre-screen: a patient's answers against the trials' confirmed structured criteria.

`engine` holds every rule (pure Python, no database), `reference` the same rules written plainly (the
engine is tested against it), `queries` loads the network's open trials for the engine, `forms` and
`views` are the member and the public pages. See docs/prescreen.md.
"""
