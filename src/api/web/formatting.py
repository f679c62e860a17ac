"""Dutch presentation through Babel (nl_NL), as the template filters (ADR 0022): amounts as
`€ 1.234.567` (cents only where there are any), report figures in thousands as `1.234`,
dates as `31 december 2019`, moments in Europe/Amsterdam. No hand formatting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

LOCALE = "nl_NL"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EMPTY = "–"  # a cell with no figure: not a zero


def _decimal(value: Decimal | str | int | None) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def euro(value: Decimal | str | int | None) -> str:
    """`€ 1.234.567`, or `€ 1.234.567,50` when there are cents: exact, never rounded."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    if amount == amount.to_integral_value():
        return format_currency(
            amount, "EUR", "¤ #,##0;¤ -#,##0", locale=LOCALE, currency_digits=False
        )
    return format_currency(
        amount, "EUR", "¤ #,##0.00;¤ -#,##0.00", locale=LOCALE, currency_digits=False
    )


def verschil(value: Decimal | str | int | None) -> str:
    """A difference, its sign always shown: `€ +18.000`, `€ -18.000`, `€ 0`."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    whole = amount == amount.to_integral_value()
    digits = "#,##0" if whole else "#,##0.00"
    return format_currency(
        amount,
        "EUR",
        f"¤ +{digits};¤ -{digits}" if amount else f"¤ {digits}",
        locale=LOCALE,
        currency_digits=False,
    )


def procent(value: Decimal | str | int | None) -> str:
    """A percentage with its one decimal (ADR 0026): `42,4%`, `20,0%`; none: `–`."""
    amount = _decimal(value)
    return EMPTY if amount is None else format_decimal(amount, "#,##0.0", locale=LOCALE) + "%"


def number(value: Decimal | str | int | None) -> str:
    """A figure as published (a report's x € 1.000 cell is already rounded): `1.234`."""
    amount = _decimal(value)
    return EMPTY if amount is None else format_decimal(amount, locale=LOCALE)


def cijfer(value: Decimal | str | int | None, unit: str = "EUR_1000") -> str:
    """A report figure in its unit (ADR 0025): `1.234` (x € 1.000), `1,93` (x € 1 mln, two
    decimals), `16,8%` (percent), or a kengetal with the digits it was recorded in."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    if unit == "percent":
        return format_decimal(amount, format="#,##0.0", locale=LOCALE) + "%"
    if unit == "EUR_1000000":
        return format_decimal(amount, format="#,##0.00", locale=LOCALE)
    return number(amount)


def moment(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def datum(value: datetime | date | str | None) -> str:
    """`31 december 2019`: a moment's day in Amsterdam."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value, format="long", locale=LOCALE)
    found = moment(value)
    if found is None:
        return EMPTY
    return format_date(found.astimezone(AMSTERDAM).date(), format="long", locale=LOCALE)


def tijdstip(value: datetime | str | None) -> str:
    """`31 december 2019 23:00`, in Amsterdam."""
    found = moment(value)
    if found is None:
        return EMPTY
    return format_datetime(found, "d MMMM y HH:mm", tzinfo=AMSTERDAM, locale=LOCALE)


# An event's name in Dutch, as finance staff say it (the log keeps the English class name).
EVENT_NAMES = {
    "Adjusted": "Bijgesteld",
    "Adopted": "Vastgesteld",
    "Amended": "Gewijzigd",
    "CarriedIn": "Overgeheveld (ontvangen)",
    "CarriedOver": "Overgeheveld (naar volgend jaar)",
    "Closed": "Afgesloten",
    "Corrected": "Gecorrigeerd",
    "Defined": "Gedefinieerd",
    "Deposited": "Gestort",
    "EarmarkReleased": "Oormerk vrijgevallen",
    "Earmarked": "Geoormerkt",
    "Established": "Ingesteld",
    "Imposed": "Opgelegd",
    "LateResultReported": "Laat resultaat gemeld",
    "Measured": "Gemeten",
    "OpeningBalanceStated": "Beginsaldo vastgelegd",
    "Opened": "Geopend",
    "Proposed": "Voorgesteld",
    "Published": "Gepubliceerd",
    "Registered": "Geregistreerd",
    "Rejected": "Verworpen",
    "Reopened": "Heropend",
    "Reported": "Gerealiseerd",
    "Restated": "Resultaat herzien",
    "ShiftedIn": "Verschoven (ontvangen)",
    "ShiftedOut": "Verschoven (afgegeven)",
    "Specified": "Gespecificeerd",
    "Stated": "Resultaat vermeld",
    "TransferredIn": "Overgeboekt (ontvangen)",
    "TransferredOut": "Overgeboekt (afgegeven)",
    "Withdrawn": "Onttrokken",
    "YearCancelled": "Jaar vervallen",
    # Begrotingsrechtmatigheid (ADR 0029)
    "VerantwoordingsgrensSet": "Verantwoordingsgrens vastgesteld",
    "RegelingMarked": "Aangemerkt als open-einde regeling",
    "AmendmentProposed": "Wijziging voorgesteld",
}


def gebeurtenis(name: str) -> str:
    """`Amended` or `BudgetLine.Amended` in Dutch; an unknown name as it is."""
    return EVENT_NAMES.get(name.rsplit(".", 1)[-1], name)


FILTERS: dict[str, Callable[..., str]] = {
    "euro": euro,
    "number": number,
    "cijfer": cijfer,
    "datum": datum,
    "tijdstip": tijdstip,
    "gebeurtenis": gebeurtenis,
    "verschil": verschil,
    "procent": procent,
}
