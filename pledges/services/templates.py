"""The pledge templates Netralitas ships, and how a template changes.

The texts come from the pledges read and signed at the events reported in
the seed reports; each point keeps its reported wording, with only obvious
typos fixed, framed by an opening and a closing sentence fit for a signed
declaration.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError
from pledges.services import rulebook

SKB_NETRALITAS = (
    "Keputusan Bersama Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi, "
    "Menteri Dalam Negeri, Kepala Badan Kepegawaian Negara, dan Ketua Badan Pengawas "
    "Pemilihan Umum tentang Pedoman Pembinaan dan Pengawasan Netralitas Pegawai Aparatur "
    "Sipil Negara dalam Penyelenggaraan Pemilihan Umum dan Pemilihan"
)

SHIPPED_TEMPLATES = [
    {
        "slug": "ikrar-netralitas-asn-gorontalo",
        "kind": "ikrar",
        "title": "Ikrar Netralitas Aparatur Sipil Negara pada Pemilihan Serentak Tahun 2024",
        "opening": "Kami, Aparatur Sipil Negara yang bertanda tangan di bawah ini, "
        "dengan sungguh-sungguh berikrar untuk:",
        "individual_opening": "Saya, Aparatur Sipil Negara yang bertanda tangan di bawah ini, "
        "dengan sungguh-sungguh berikrar untuk:",
        "points": [
            "Menjaga dan menegakkan prinsip netralitas ASN di instansi masing-masing dalam "
            "melaksanakan fungsi pelayanan publik selama pelaksanaan Pemilihan Kepala Daerah "
            "Serentak Tahun 2024.",
            "Memastikan ASN menghindari konflik kepentingan, tidak membuat keputusan atau "
            "tindakan yang menunjukkan keberpihakan kepada calon atau pasangan calon.",
            "Memastikan ASN tidak terlibat dan/atau dilibatkan dalam kegiatan kampanye pemilihan.",
            "Memastikan ASN menggunakan media sosial secara bijak dengan tidak memihak kepada "
            "salah satu calon atau pasangan calon.",
            "Menyampaikan informasi dugaan pelanggaran netralitas ASN kepada pengawas pemilu "
            "dalam tahapan penyelenggaraan pemilihan tahun 2024.",
            f"Melakukan sosialisasi dan mendukung pelaksanaan {SKB_NETRALITAS}.",
        ],
        "closing": "Demikian ikrar ini kami ucapkan dan tanda tangani dengan penuh kesadaran "
        "dan tanggung jawab.",
        "individual_closing": "Demikian ikrar ini saya ucapkan dan tanda tangani dengan penuh "
        "kesadaran dan tanggung jawab.",
        "source": "Ikrar netralitas ASN, sosialisasi Bawaslu Kota Gorontalo, 21 September 2024",
    },
    {
        "slug": "ikrar-netralitas-asn-pasuruan",
        "kind": "ikrar",
        "title": "Ikrar Netralitas Aparatur Sipil Negara pada Pemilihan Serentak 2024",
        "opening": "Kami, Aparatur Sipil Negara yang bertanda tangan di bawah ini, berikrar untuk:",
        "individual_opening": "Saya, Aparatur Sipil Negara yang bertanda tangan di bawah ini, "
        "berikrar untuk:",
        "points": [
            "Menjaga dan menegakkan prinsip netralitas pegawai ASN di instansi masing-masing "
            "dalam melaksanakan fungsi pelayanan publik baik sebelum, selama, maupun sesudah "
            "pelaksanaan Pemilihan 2024.",
            "Menghindari konflik kepentingan.",
            "Menggunakan media sosial secara bijak.",
            "Menolak politik uang dengan segala jenis pemberian dalam bentuk apa pun.",
        ],
        "closing": "Demikian ikrar ini kami ucapkan dengan penuh integritas dan rasa tanggung "
        "jawab demi terwujudnya persatuan dan kesatuan Negara Kesatuan Republik Indonesia.",
        "individual_closing": "Demikian ikrar ini saya ucapkan dengan penuh integritas dan rasa "
        "tanggung jawab demi terwujudnya persatuan dan kesatuan Negara Kesatuan Republik "
        "Indonesia.",
        "source": "Ikrar netralitas ASN, sosialisasi Bawaslu Kota Pasuruan, 23 September 2024",
    },
    {
        "slug": "deklarasi-kepala-daerah",
        "kind": "deklarasi",
        "title": "Deklarasi Kepala Daerah Menjaga Netralitas ASN pada Pemilihan Serentak "
        "Tahun 2024",
        "opening": "Kami, kepala daerah yang bertanda tangan di bawah ini, menyatakan:",
        "individual_opening": "Saya, kepala daerah yang bertanda tangan di bawah ini, menyatakan:",
        "points": [
            "Memastikan ASN tidak membuat keputusan atau tindakan yang menunjukkan keberpihakan "
            "kepada Calon atau Pasangan Calon.",
            "Memastikan ASN tidak terlibat dan/atau dilibatkan dalam kegiatan Kampanye Pemilihan.",
            "Sebagai Pejabat Pembina Kepegawaian akan memberikan sanksi kepada ASN yang "
            "melakukan pelanggaran Netralitas ASN.",
            "Menyampaikan informasi dugaan pelanggaran netralitas ASN pada Pengawas Pemilu "
            "dalam Tahapan Penyelenggaraan Pemilihan tahun 2024.",
            f"Akan melakukan sosialisasi dan mendukung pelaksanaan {SKB_NETRALITAS}.",
        ],
        "closing": "Demikian deklarasi ini kami buat dengan sesungguhnya untuk dilaksanakan "
        "dengan penuh tanggung jawab.",
        "individual_closing": "Demikian deklarasi ini saya buat dengan sesungguhnya untuk "
        "dilaksanakan dengan penuh tanggung jawab.",
        "source": "Rapat Koordinasi Nasional Kesiapan Kepala Daerah, Bawaslu RI, "
        "Ancol, 17 September 2024",
    },
    {
        "slug": "pakta-integritas-netralitas-asn",
        "kind": "pakta_integritas",
        "title": "Pakta Integritas Netralitas Aparatur Sipil Negara pada Pemilu dan Pemilihan "
        "Tahun 2024",
        "opening": "Kami yang bertanda tangan di bawah ini, sebagai Aparatur Sipil Negara, "
        "menyatakan dan berjanji untuk:",
        "individual_opening": "Saya yang bertanda tangan di bawah ini, sebagai Aparatur Sipil "
        "Negara, menyatakan dan berjanji untuk:",
        "points": [
            "Menjaga dan menegakkan prinsip netralitas ASN pada Pemilu dan Pemilihan 2024.",
            "Menghindari konflik kepentingan dengan tidak melakukan praktik-praktik intimidatif "
            "dan ancaman kepada ASN dan seluruh elemen masyarakat serta tidak memihak kepada "
            "peserta pemilu dan pemilihan.",
            "Menggunakan media sosial secara bijak, tidak digunakan untuk mendukung peserta "
            "pemilu dan pemilihan tertentu dan tidak melakukan kampanye hitam, menyebarkan "
            "ujaran kebencian, serta berita bohong.",
            "Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.",
        ],
        "closing": "Demikian pakta integritas ini kami buat dengan sadar dan tanpa paksaan "
        "dari pihak mana pun, dan kami bersedia menerima sanksi sesuai ketentuan peraturan "
        "perundang-undangan apabila melanggarnya.",
        "individual_closing": "Demikian pakta integritas ini saya buat dengan sadar dan tanpa "
        "paksaan dari pihak mana pun, dan saya bersedia menerima sanksi sesuai ketentuan "
        "peraturan perundang-undangan apabila melanggarnya.",
        "source": "Pakta integritas ASN Sekretariat DPRD Kabupaten Gunungkidul",
    },
]


def load_shipped_templates(template_model=None) -> int:
    """Create the shipped templates that do not exist yet; return how many were made.

    Takes the model class so a data migration can pass its historical model
    (given only the fields it has). Existing templates (or their later
    versions) are left as they are.
    """
    if template_model is None:
        from pledges.models import PledgeTemplate as template_model
    known = {field.name for field in template_model._meta.get_fields()}
    created = 0
    for data in SHIPPED_TEMPLATES:
        rulebook.check_template_wording(data)
        _, made = template_model.objects.get_or_create(
            slug=data["slug"],
            version=1,
            defaults={key: value for key, value in data.items() if key in known}
            | {"is_current": True},
        )
        created += made
    return created


@transaction.atomic
def create_template(user, unit=None, **content):
    """A new template (version 1) owned by `unit`, or national when `unit` is None.

    Raises PledgeError "forbidden" unless `user` may change such a template
    (`rulebook.check_template_change`: national ones by a superuser only).
    """
    from pledges.models import PledgeTemplate

    template = PledgeTemplate(unit=unit, version=1, is_current=True, **content)
    rulebook.check_template_change(user, template)
    rulebook.check_template_wording(content)
    template.save()
    return template


@transaction.atomic
def revise_template(template, user=None, **changes):
    """Make `changes` to a template's content the next version, and return it (now current).

    Always a new version, signed or not: what an event froze, a preview
    showed or a PDF printed can always be shown exactly as it was. Draft
    events of the old version move to the new one (they froze nothing yet).
    Changes of `source` alone are kept on the same version. Raises PledgeError:
    "template_not_current" for an old version, "forbidden" when `user` (if
    given) may not change this template, "template_wording" when a form's
    wording does not fit it (`rulebook.check_template_wording`).
    """
    from pledges.models import Event, PledgeTemplate

    template = PledgeTemplate.objects.select_for_update().get(pk=template.pk)
    if user is not None:
        rulebook.check_template_change(user, template)
    if not template.is_current:
        raise PledgeError(
            _("Hanya versi terbaru sebuah templat yang dapat diubah."),
            code=Code.TEMPLATE_NOT_CURRENT,
        )
    content = {field: getattr(template, field) for field in PledgeTemplate.CONTENT_FIELDS}
    if all(content[field] == value for field, value in changes.items() if field in content):
        if "source" in changes and changes["source"] != template.source:
            template.source = changes["source"]
            template.save(update_fields=["source"])
        return template
    rulebook.check_template_wording({**content, **changes})
    template.is_current = False
    template.save(update_fields=["is_current"])
    revised = PledgeTemplate.objects.create(
        **{"source": template.source, **content, **changes},
        unit=template.unit,
        slug=template.slug,
        version=template.version + 1,
        is_current=True,
    )
    for event in Event.objects.filter(template=template, status=Event.Status.DRAFT):
        event.template = revised
        event.save(update_fields=["template", "updated_at"])
    return revised
