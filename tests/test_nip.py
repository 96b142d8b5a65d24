"""NIP validation: every rejection says which part is wrong."""

import pytest
from django.core.exceptions import ValidationError

from pledges.core.nip import format_nip, mask_nip, validate_nip

VALID = [
    "198005122005011002",  # born 12 May 1980, TMT Jan 2005, male
    "199112312019032001",  # born 31 Dec 1991, TMT Mar 2019, female
    "1975 0229 2000 12 1 123".replace("0229", "0228"),  # typed with spaces
    "19720229.199803.1.004",  # leap day birth, typed with dots
]


@pytest.mark.parametrize("nip", VALID)
def test_valid_nips_pass(nip):
    validate_nip(nip)


@pytest.mark.parametrize(
    ("nip", "code", "words"),
    [
        ("19800512200501100A", "nip_not_digits", "hanya boleh berisi angka"),
        ("19800512200501100²", "nip_not_digits", "bukan “²”"),  # a superscript is no digit
        ("19800512\u200b2005011002", "nip_not_digits", "karakter tak terlihat (U+200B"),
        ("1980051220050110", "nip_length", "16 digit"),
        ("1980051220050110021", "nip_length", "19 digit"),
        ("198013122005011002", "nip_birth_date", "tanggal lahir"),
        ("197302292000121001", "nip_birth_date", "tanggal lahir"),  # 1973 had no 29 Feb
        ("209901012020011001", "nip_birth_date", "tidak masuk akal"),
        ("198005122005131002", "nip_tmt", "bulan 13"),
        ("198005121995011002", "nip_tmt_too_early", "18 tahun"),
        ("198005122099011002", "nip_tmt_future", "masa depan"),
        ("198005122005013002", "nip_gender", "harus 1 atau 2"),
    ],
)
def test_invalid_nips_are_rejected_with_the_reason(nip, code, words):
    with pytest.raises(ValidationError) as error:
        validate_nip(nip)
    assert error.value.code == code
    assert words in error.value.messages[0]


def test_nip_is_printed_in_its_groups_and_masked_for_the_public():
    assert format_nip("198005122005011002") == "19800512 200501 1 002"
    masked = mask_nip("198005122005011002")
    assert masked.startswith("1980") and masked.endswith("002")
    assert "0512" not in masked and len(masked) == 18
