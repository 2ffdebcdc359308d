"""Submitting the facilitation pages' forms as a browser does: every field the page rendered,
with what the person typed."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    """The forms of a page, each as its fields ``[(name, value, type, checked)]`` and its
    buttons ``[(name, value)]``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"fields": [], "buttons": [], "action": attrs.get("action")}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea"):
            self.current["fields"].append(
                (
                    attrs.get("name"),
                    attrs.get("value") or "",
                    attrs.get("type", "text" if tag == "input" else "textarea"),
                    "checked" in attrs,
                )
            )
        elif self.current is not None and tag == "button":
            self.current["buttons"].append((attrs.get("name"), attrs.get("value")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_of(response):
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def buttons(response):
    """What each of the page's ``action`` buttons does ("mark", "close" ...)."""
    return [
        value for form in forms_of(response) for name, value in form["buttons"] if name == "action"
    ]


def form_data(response, action, typed=None, checked=()):
    """What a browser posts from the form of ``response`` whose button says ``action``:
    ``typed`` fills fields and chooses radio values by name; ``checked`` ticks boxes."""
    (form,) = [f for f in forms_of(response) if ("action", action) in f["buttons"]]
    typed = typed or {}
    data = {}
    for name, value, kind, is_checked in form["fields"]:
        if not name:
            continue
        if kind == "radio":
            if name in typed:
                data[name] = typed[name]
            elif is_checked:
                data[name] = value
        elif kind == "checkbox":
            if name in checked:
                data[name] = value or "on"
        else:
            data[name] = typed.get(name, value)
    data["action"] = action
    return data


def submit(client, response, action, typed=None, checked=()):
    """Post the form of ``response`` whose button says ``action`` (see :func:`form_data`)."""
    return client.post(
        response.wsgi_request.get_full_path(), form_data(response, action, typed, checked)
    )
