"""Whatever is typed as a NIP, the validator answers with a clear message, never a crash."""

from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pledges.core.nip import format_nip, mask_nip, normalize_nip, validate_nip


@given(st.text(max_size=40))
def test_any_text_is_either_valid_or_refused_with_an_indonesian_message(text):
    try:
        validate_nip(normalize_nip(text))
    except ValidationError as error:
        assert error.code.startswith("nip_")
        assert error.messages and all(message.strip() for message in error.messages)
    else:
        digits = normalize_nip(text)
        assert len(digits) == 18 and digits.isdigit()
        assert format_nip(digits).replace(" ", "") == digits
        assert mask_nip(digits)[:4] == digits[:4] and digits[4:15] not in mask_nip(digits)


@given(st.from_regex(r"\A[0-9]{18}\Z"))
def test_eighteen_digits_never_crash_the_validator(digits):
    try:
        validate_nip(digits)
    except ValidationError as error:
        assert error.code in {
            "nip_birth_date",
            "nip_tmt",
            "nip_tmt_too_early",
            "nip_tmt_future",
            "nip_gender",
        }
