"""Election forensics: screens of official station results that point at where to look.

None of these proves fraud; each flags stations or regions whose figures are unlikely under
an honest count (methodology.md, section 5):

- the fingerprint, a 2-D histogram of turnout against the leader's share weighted by
  registered voters, where ballot stuffing smears stations towards (100 %, 100 %)
  (Klimek et al. 2012);
- integer percentages, too many stations whose turnout or leader's share is a whole
  percentage, against the binomial null of Kobak, Shpilkin and Pshenichnikov (2016);
- digits: last digits of vote counts should be uniform (Beber and Scacco 2012); second
  digits are tested against the binomial null of the counts (Mebane 2006's tests, the null
  of Kobak et al. 2016) and compared, as a description only, with Benford's law;
- outliers: stations far from their region in turnout or leader's share (robust z-scores).

The leader's share is of the ballots found in the boxes (``leader / ballots``), as in Kobak
et al., so that turnout and share are two views of the same ballots; turnout is
``ballots / registered``.
"""

from .binomial_digits import second_digit_probabilities, second_digits
from .digits import LastDigitTest, last_digit_test
from .fingerprint import Fingerprint, fingerprint
from .integers import IntegerPercentages, IntegerTest, integer_percentages, whole_percent
from .report import (
    ROBUST_Z,
    ForensicsReport,
    Outlier,
    RegionScreen,
    forensics_report,
    regional_outliers,
    save_figures,
)
from .second_digit import (
    BENFORD_SECOND_DIGIT,
    BENFORD_SECOND_MEAN,
    BENFORD_SECOND_SD,
    SECOND_DIGIT_MIN_EXPECTED,
    BenfordSecondDigit,
    SecondDigitTest,
    benford_second_digit,
    second_digit_test,
)

__all__ = [
    "BENFORD_SECOND_DIGIT",
    "BENFORD_SECOND_MEAN",
    "BENFORD_SECOND_SD",
    "ROBUST_Z",
    "SECOND_DIGIT_MIN_EXPECTED",
    "BenfordSecondDigit",
    "Fingerprint",
    "ForensicsReport",
    "IntegerPercentages",
    "IntegerTest",
    "LastDigitTest",
    "Outlier",
    "RegionScreen",
    "SecondDigitTest",
    "benford_second_digit",
    "fingerprint",
    "forensics_report",
    "integer_percentages",
    "last_digit_test",
    "regional_outliers",
    "save_figures",
    "second_digit_probabilities",
    "second_digit_test",
    "second_digits",
    "whole_percent",
]
