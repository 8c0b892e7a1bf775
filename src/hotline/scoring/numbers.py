"""Points as exact decimals (分值): "计算到小数点后两位" means each item rounded to two places, half up
(四舍五入), with ``decimal`` — never Python's ``round`` (half-even, binary): 15 × 3 ÷ 8 = 5.625 → 5.63.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from hotline.records.rules import Rounding

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
ZERO = Decimal(0)


def rounded(value: Decimal, rounding: Rounding) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-rounding.places), rounding=_MODES[rounding.mode])


def fraction(multiplier: Decimal, numerator: int, denominator: int) -> Decimal:
    """``multiplier × numerator ÷ denominator``, multiplying first so that terminating results are exact."""
    return multiplier * numerator / Decimal(denominator)


def shown(value: Decimal, places: int = 2) -> str:
    """A point value as printed: always ``places`` decimals (8.75, 20.00)."""
    return f"{value:.{places}f}"
