"""A contact log: one row per customer contact, the raw material of the customer-service KPIs.

CSV columns: ``channel`` (``phone``, ``email``, ``chat`` ...), ``received``, ``answered``,
``resolved`` (ISO 8601 times with a timezone; ``answered`` and ``resolved`` empty while still
open) and ``complaint`` (``yes``/``no``; required, so a complaint is never counted as an
ordinary contact by default). Read it with
:func:`~kontakta_rules.subjects.process_io.read_contacts`.
"""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from ..vocabulary import ChannelKind


@frozen
class Contact:
    """One customer contact and where it was read from."""

    line: int
    channel: ChannelKind
    received: dt.datetime
    answered: dt.datetime | None
    resolved: dt.datetime | None
    complaint: bool
