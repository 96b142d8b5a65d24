from django.db import migrations

# A signature's strokes are about 15 KB of JSON, compressed when stored. With
# PostgreSQL's default (pglz) compressing them was a fifth of the time the
# database spent on a signature; lz4 compresses as well at a fraction of the
# cost (bench/kiosk_load.py). A server built without lz4 keeps the default.
FORWARD = """
DO $$
BEGIN
    ALTER TABLE pledges_signature ALTER COLUMN strokes SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available; signature strokes keep the default compression';
END $$;
"""
BACKWARD = "ALTER TABLE pledges_signature ALTER COLUMN strokes SET COMPRESSION default"


def use_lz4(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def use_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0004_event_personal_data_purged_at")]

    operations = [migrations.RunPython(use_lz4, use_default)]
