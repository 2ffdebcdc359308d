"""Reading and validating the calendar files and feeds the apps make, with the icalendar
library: the tests of emails, cancellations and feeds share it."""

from icalendar import Calendar

METHODS = {None, "PUBLISH", "CANCEL"}


def validated(ics):
    """The ``Calendar`` in ``ics`` (bytes or str), after checking that it is well formed.

    icalendar parses it strictly (a line it cannot read raises); then the calendar has its
    PRODID, VERSION and a known METHOD, and each event its UID, DTSTAMP, SEQUENCE, STATUS, a
    start with a time zone and an end after it, no property twice that may appear once, and a
    UID of its own in the file. A cancellation (METHOD:CANCEL) names its organizer and has
    every event cancelled, as iTIP asks.
    """
    if isinstance(ics, str):
        ics = ics.encode()
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n"), ics[:40]
    assert ics.endswith(b"END:VCALENDAR\r\n")
    calendar = Calendar.from_ical(ics)
    for component in calendar.walk():
        assert not getattr(component, "errors", None), component.errors
    assert str(calendar["prodid"])
    assert str(calendar["version"]) == "2.0"
    method = str(calendar["method"]) if "method" in calendar else None
    assert method in METHODS, method
    events = calendar.walk("VEVENT")
    if events:
        calendar.validate()
    uids = []
    for event in events:
        for name in event.required:
            assert name in event, f"{name} missing"
        for name in event.singletons:
            assert not isinstance(event.get(name), list), f"{name} twice"
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start.utcoffset() is not None, "a floating time"
        assert end > start
        assert isinstance(event.decoded("sequence"), int)
        assert str(event["status"]) in ("CONFIRMED", "CANCELLED")
        uids.append(str(event["uid"]))
        if method == "CANCEL":
            assert str(event["status"]) == "CANCELLED"
            assert str(event["organizer"]).startswith("mailto:")
    assert len(uids) == len(set(uids)), "a UID twice in one file"
    return calendar


def events(ics):
    """The events of a validated calendar, by UID."""
    return {str(event["uid"]): event for event in validated(ics).walk("VEVENT")}


def method(ics):
    calendar = validated(ics)
    return str(calendar["method"]) if "method" in calendar else None


def attachment(message):
    """The calendar file attached to an email (there must be exactly one)."""
    [part] = message.attachments
    assert part.get_filename().endswith(".ics")
    assert part.get_content_type() == "text/calendar"
    assert part.get_content_charset() == "utf-8"
    content = part.get_payload(decode=True)
    # Mail clients read the method from the part's header to offer to add or remove events.
    assert part.get_param("method") == method(content)
    return content
