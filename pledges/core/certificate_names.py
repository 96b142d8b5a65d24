"""A certificate's distinguished name, as recorded, shown with Indonesian labels.

Seals record the subject as asn1crypto's ``human_friendly`` text
("Common Name: X, Organization: Y, Country: ID"; "; " between parts when a
value holds a comma). ``name_fields`` reads that text back into labelled
parts for a page, in the name's own order, most specific first.
"""

LABELS = {
    "Common Name": "Nama",
    "Name": "Nama",
    "Given Name": "Nama depan",
    "Surname": "Nama belakang",
    "Pseudonym": "Nama samaran",
    "Title": "Jabatan",
    "Organizational Unit": "Unit kerja",
    "Organization": "Organisasi",
    "Organization Identifier": "Nomor identitas organisasi",
    "Business Category": "Kategori organisasi",
    "Street Address": "Alamat",
    "Locality": "Kota/kabupaten",
    "State/Province": "Provinsi",
    "Postal Code": "Kode pos",
    "Country": "Negara",
    "Email Address": "Surel",
    "Telephone Number": "Telepon",
    "Serial Number": "Nomor seri",
    "Domain Component": "Komponen domain",
}
COUNTRIES = {"ID": "Indonesia"}


def name_fields(text: str) -> list[tuple[str, str]]:
    """The labelled parts of a recorded name; text that is not one comes back whole."""
    if not text:
        return []
    separator = "; " if "; " in text else ", "
    fields: list[tuple[str, str]] = []
    for part in text.split(separator):
        label, colon, value = part.partition(": ")
        if colon and (label in LABELS or _looks_like_a_label(label)):
            if label == "Country":
                value = COUNTRIES.get(value, value)
            fields.append((LABELS.get(label, label), value))
        elif fields:
            # A value that itself held the separator: it belongs to the part before.
            previous_label, previous_value = fields[-1]
            fields[-1] = (previous_label, f"{previous_value}{separator}{part}")
        else:
            fields.append(("", part))
    return fields


def _looks_like_a_label(text: str) -> bool:
    # asn1crypto names a type it does not know by its dotted OID.
    return bool(text) and all(character.isdigit() or character == "." for character in text)


def common_name(text: str) -> str:
    """The name a person would call the certificate by: its common name, else the whole."""
    for label, value in name_fields(text):
        if label == "Nama":
            return value
    return text
