"""Money is exact: Decimal only, at most two decimals, half-up rounding to thousands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidAmountError
from domain.money import Money, in_thousands, percent_of, sum_money


def test_money_is_quantized_to_cents_at_construction() -> None:
    value = Money(Decimal("12.5"))

    assert value.amount == Decimal("12.50")
    assert value.amount.as_tuple().exponent == -2
    assert str(value) == "12.50"


@pytest.mark.parametrize(("value", "shown"), [(1.5, "1.5"), (0.1, "0.1")])
def test_a_float_is_never_money(value: float, shown: str) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money(value)

    assert caught.value.field == "amount"
    assert caught.value.message == f"amount must be a Decimal, never a float: {shown}"


@pytest.mark.parametrize(("value", "shown"), [(5, "5"), (True, "True"), ("5", "5")])
def test_money_is_built_from_a_decimal_only(value: object, shown: str) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money(value)

    assert caught.value.field == "amount"
    assert caught.value.message == f"amount must be a Decimal, never a float: {shown}"


def test_parsing_a_float_is_refused() -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money.parse(0.1)

    assert caught.value.field == "amount"
    assert caught.value.message == "amount must be a decimal string, never a float: 0.1"


def test_parsing_a_bool_is_refused() -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money.parse(True)

    assert caught.value.message == "amount must be a number: True"


@pytest.mark.parametrize("text", ["1.235", "0.001", "-7.999"])
def test_an_amount_with_more_than_two_decimals_is_refused(text: str) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money(Decimal(text))

    assert caught.value.field == "amount"
    assert caught.value.message == f"amount has more than two decimals: {text}"


def test_parsing_an_amount_with_more_than_two_decimals_is_refused() -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money.parse("1234.505")

    assert caught.value.message == "amount has more than two decimals: 1234.505"


def test_trailing_zeros_beyond_the_cents_are_accepted() -> None:
    value = Money(Decimal("1.230"))

    assert value == Money(Decimal("1.23"))
    assert value.amount.as_tuple() == Decimal("1.23").as_tuple()


def test_parsing_trailing_zeros_beyond_the_cents_gives_the_cents() -> None:
    assert Money.parse("1.230").amount.as_tuple() == Decimal("1.23").as_tuple()


@pytest.mark.parametrize("text", ["abc", "1,50", "", "12 euro", "€ 5"])
def test_parsing_text_that_is_not_a_decimal_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money.parse(text)

    assert caught.value.field == "amount"
    assert caught.value.message == f"amount is not a decimal number: {text}"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_parsing_a_number_that_is_not_finite_is_refused(text: str) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money.parse(text)

    assert caught.value.field == "amount"
    assert caught.value.message == f"amount must be finite: {text}"


def test_parsing_an_amount_beyond_the_range_of_a_budget_is_refused_with_a_typed_error() -> None:
    # 1e30 has more digits than the default decimal context can quantize to cents.
    with pytest.raises(InvalidAmountError) as caught:
        Money.parse("1e30")

    assert caught.value.field == "amount"
    assert caught.value.message == "amount is beyond the range of a budget: 1E+30"


@pytest.mark.parametrize("text", ["1000000000000000", "-1000000000000000.00"])
def test_an_amount_of_a_thousand_trillion_euros_is_refused(text: str) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        Money.parse(text)

    assert caught.value.message == f"amount is beyond the range of a budget: {text}"


def test_the_largest_amount_of_a_budget_is_accepted() -> None:
    assert Money.parse("-999999999999999.99").amount == Decimal("-999999999999999.99")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (" 1234.50 ", Decimal("1234.50")),
        ("-300000", Decimal("-300000.00")),
        (12, Decimal("12.00")),
        (Decimal("3.1"), Decimal("3.10")),
    ],
)
def test_parsing_a_decimal_string_an_int_or_a_decimal_gives_exact_money(
    given: str | int | Decimal, expected: Decimal
) -> None:
    assert Money.parse(given).amount.as_tuple() == expected.as_tuple()


def test_a_figure_in_thousands_becomes_exact_euros() -> None:
    assert Money.thousands("13639") == Money(Decimal("13639000.00"))
    assert Money.thousands(-101) == Money(Decimal("-101000.00"))


def test_money_adds_subtracts_and_negates_exactly() -> None:
    a = Money(Decimal("0.10"))
    b = Money(Decimal("0.20"))

    assert a + b == Money(Decimal("0.30"))
    assert a - b == Money(Decimal("-0.10"))
    assert -a == Money(Decimal("-0.10"))
    assert sum_money([a, b, a]) == Money(Decimal("0.40"))
    assert sum_money([]) == Money.zero()


def test_money_knows_its_sign() -> None:
    assert Money.zero().is_zero()
    assert Money(Decimal("-0.01")).is_negative()
    assert Money(Decimal("0.01")).is_positive()
    assert not Money.zero().is_positive()
    assert not Money.zero().is_negative()


@pytest.mark.parametrize(
    ("euros", "thousands"),
    [
        ("1499.99", 1),
        ("1500", 2),
        ("1500.00", 2),
        ("308500", 309),
        ("-1500", -2),
        ("-1499.99", -1),
        ("499.99", 0),
        ("500", 1),
        ("-500", -1),
        ("0", 0),
        ("13638999.99", 13639),
    ],
)
def test_in_thousands_rounds_half_away_from_zero(euros: str, thousands: int) -> None:
    assert in_thousands(Decimal(euros)) == Decimal(thousands)


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [
        ("16.75", "100", "16.8"),
        ("-16.75", "100", "-16.8"),
        ("16.74", "100", "16.7"),
        ("1", "3", "33.3"),
        ("0", "450000.00", "0.0"),
        ("0.00", "-450000.00", "0.0"),
    ],
)
def test_percent_of_rounds_half_away_from_zero_to_one_decimal(
    part: str, whole: str, percent: str
) -> None:
    found = percent_of(Decimal(part), Decimal(whole))
    assert found is not None
    assert str(found) == percent


@pytest.mark.parametrize("whole", [Decimal("0"), Decimal("0.00"), None])
def test_percent_of_an_unknown_or_zero_whole_is_unknown(whole: Decimal | None) -> None:
    assert percent_of(Decimal("16.75"), whole) is None
