import re

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from pledges.core import chain as hashing

# Existing templates get both forms: the shipped ones their shipped wording;
# any other keeps its text as the form it speaks in (an opening with "saya"
# is one person's) and gets the other form by turning "saya" into "kami" or
# back. Events already opened froze their own copy and are not touched.
# Existing audit entries are chained in the order they were written (time, id).

_PRONOUN = re.compile(r"\b(saya|aku|kami)\b", re.IGNORECASE)


def _speaking_as(text, word):
    def swap(match):
        found = match.group(0)
        return word.capitalize() if found[0].isupper() else word

    return _PRONOUN.sub(swap, text)


def give_templates_both_forms(apps, schema_editor):
    from pledges.services.templates import SHIPPED_TEMPLATES

    seeds = {data["slug"]: data for data in SHIPPED_TEMPLATES}
    template_model = apps.get_model("pledges", "PledgeTemplate")
    for template in template_model.objects.all():
        seed = seeds.get(template.slug)
        if (
            seed
            and template.version == 1
            and template.title == seed["title"]
            and list(template.points) == seed["points"]
        ):
            template.opening, template.closing = seed["opening"], seed["closing"]
            template.individual_opening = seed["individual_opening"]
            template.individual_closing = seed["individual_closing"]
        elif re.search(r"\b(saya|aku)\b", template.opening, re.IGNORECASE) and not re.search(
            r"\bkami\b", template.opening, re.IGNORECASE
        ):
            template.individual_opening, template.individual_closing = (
                template.opening,
                template.closing,
            )
            template.opening = _speaking_as(template.opening, "kami")
            template.closing = _speaking_as(template.closing, "kami")
        else:
            template.individual_opening = _speaking_as(template.opening, "saya")
            template.individual_closing = _speaking_as(template.closing, "saya")
        template.save(
            update_fields=["opening", "closing", "individual_opening", "individual_closing"]
        )


def chain_existing_entries(apps, schema_editor):
    entry_model = apps.get_model("pledges", "AuditEntry")
    chain_model = apps.get_model("pledges", "AuditChain")
    heads = {}  # chain key: (length, head, previous, time of the last entry)
    fields = ["chain", "seq", "prev_hash", "hash", "personal_sha256"]
    batch = []
    for entry in entry_model.objects.order_by("at", "pk").iterator(chunk_size=2000):
        key = entry.event_id or 0
        length, head, _previous, _at = heads.get(key, (0, hashing.GENESIS, hashing.GENESIS, None))
        personal = hashing.personal_sha256(entry.object_repr, entry.changes)
        fixed = hashing.fixed_text(
            key, entry.at, entry.actor_id, entry.station_id, entry.action, entry.object_type
        )
        entry.chain, entry.seq, entry.prev_hash = key, length + 1, head
        entry.personal_sha256 = personal
        entry.hash = hashing.link_hash(head, entry.seq, fixed, entry.object_id, personal)
        heads[key] = (entry.seq, entry.hash, head, entry.at)
        batch.append(entry)
        if len(batch) >= 2000:
            entry_model.objects.bulk_update(batch, fields)
            batch = []
    entry_model.objects.bulk_update(batch, fields)
    chain_model.objects.bulk_create(
        [
            chain_model(id=key, length=length, head=head, previous=previous, head_at=at)
            for key, (length, head, previous, at) in heads.items()
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0014_protocol_order_and_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("length", models.BigIntegerField(default=0, verbose_name="jumlah entri")),
                ("head", models.CharField(max_length=64, verbose_name="hash entri terakhir")),
                (
                    "previous",
                    models.CharField(
                        max_length=64, verbose_name="hash entri sebelum yang terakhir"
                    ),
                ),
                (
                    "head_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="waktu entri terakhir"
                    ),
                ),
            ],
            options={
                "verbose_name": "rantai audit",
                "verbose_name_plural": "rantai audit",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.BigIntegerField(default=0, verbose_name="rantai"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash entri"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="personal_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="SHA-256 label dan perubahan"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash entri sebelumnya"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(default=0, verbose_name="urutan dalam rantai"),
        ),
        migrations.AddField(
            model_name="document",
            name="audit_head",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="hash jejak audit saat disegel"
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="audit_head_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="waktu entri audit terakhir"
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="audit_length",
            field=models.BigIntegerField(
                blank=True, null=True, verbose_name="jumlah entri audit saat disegel"
            ),
        ),
        migrations.AddField(
            model_name="pledgetemplate",
            name="individual_closing",
            field=models.TextField(
                blank=True,
                default="",
                help_text="Misalnya “Demikian pakta integritas ini saya buat …”.",
                verbose_name="kalimat penutup bentuk perorangan",
            ),
        ),
        migrations.AddField(
            model_name="pledgetemplate",
            name="individual_opening",
            field=models.TextField(
                blank=True,
                default="",
                help_text="Untuk pakta integritas satu orang, misalnya “Saya yang bertanda tangan di bawah ini …”; nama, NIP, jabatan, dan instansinya tercetak di bawah tanda tangan.",
                verbose_name="kalimat pembuka bentuk perorangan",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="pelaku",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, verbose_name="waktu"
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="station",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="pledges.signingstation",
                verbose_name="meja",
            ),
        ),
        migrations.AlterField(
            model_name="pledgetemplate",
            name="closing",
            field=models.TextField(
                help_text="Misalnya “Demikian deklarasi ini kami buat …”.",
                verbose_name="kalimat penutup bentuk bersama",
            ),
        ),
        migrations.AlterField(
            model_name="pledgetemplate",
            name="opening",
            field=models.TextField(
                help_text="Untuk deklarasi bersama, misalnya “Kami yang bertanda tangan di bawah ini …”.",
                verbose_name="kalimat pembuka bentuk bersama",
            ),
        ),
        migrations.RunPython(give_templates_both_forms, migrations.RunPython.noop),
        migrations.RunPython(chain_existing_entries, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="audit_one_entry_per_link"
            ),
        ),
    ]
