"""A seal's recorded signer, read back with Indonesian labels for the public page."""

from pledges.core.certificate_names import common_name, name_fields


def test_the_usual_parts_get_indonesian_labels():
    recorded = (
        "Common Name: Segel Bawaslu Kota Pasuruan, Organizational Unit: Sekretariat, "
        "Organization: Bawaslu Kota Pasuruan, Country: ID"
    )

    assert name_fields(recorded) == [
        ("Nama", "Segel Bawaslu Kota Pasuruan"),
        ("Unit kerja", "Sekretariat"),
        ("Organisasi", "Bawaslu Kota Pasuruan"),
        ("Negara", "Indonesia"),
    ]
    assert common_name(recorded) == "Segel Bawaslu Kota Pasuruan"


def test_a_value_with_a_comma_stays_whole():
    # asn1crypto separates the parts with "; " when a value holds a comma.
    recorded = "Common Name: Bawaslu, Kota Pasuruan; Organization: Bawaslu RI; Country: ID"

    assert name_fields(recorded)[0] == ("Nama", "Bawaslu, Kota Pasuruan")
    assert len(name_fields(recorded)) == 3


def test_an_unknown_type_keeps_its_oid_and_empty_text_gives_nothing():
    assert name_fields("Common Name: X, 2.5.4.97: VATID-123") == [
        ("Nama", "X"),
        ("2.5.4.97", "VATID-123"),
    ]
    assert name_fields("") == []
