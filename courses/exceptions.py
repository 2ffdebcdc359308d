"""The base of every refusal raised by the courses services."""


class Refusal(Exception):
    """A rule refused the request. ``message`` is fit to show to the person who asked."""

    code = "refused"

    def __init__(self, message):
        super().__init__(message)
        self.message = message
