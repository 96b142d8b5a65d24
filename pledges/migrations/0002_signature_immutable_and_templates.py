from django.db import migrations

# The database itself refuses to change a stored signature. On PostgreSQL a
# DELETE is refused too, unless a purge of personal data after the retention
# period sets `netralitas.purge` for its own transaction. SQLite has no such
# session setting, and Django's test flush deletes rows there, so on SQLite
# only UPDATE is refused at this level (the ORM refuses deletes everywhere).
POSTGRES_FORWARD = """
CREATE FUNCTION pledges_signature_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('netralitas.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Tanda tangan tidak dapat diubah atau dihapus (signature is immutable)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pledges_signature_immutable
    BEFORE UPDATE OR DELETE ON pledges_signature
    FOR EACH ROW EXECUTE FUNCTION pledges_signature_immutable();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS pledges_signature_immutable ON pledges_signature;
DROP FUNCTION IF EXISTS pledges_signature_immutable();
"""
SQLITE_FORWARD = """
CREATE TRIGGER pledges_signature_immutable BEFORE UPDATE ON pledges_signature
BEGIN
    SELECT RAISE(ABORT, 'Tanda tangan tidak dapat diubah (signature is immutable)');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS pledges_signature_immutable;"


def add_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def remove_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


def load_templates(apps, schema_editor):
    from pledges.services.templates import load_shipped_templates

    load_shipped_templates(apps.get_model("pledges", "PledgeTemplate"))


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]

    operations = [
        migrations.RunPython(add_trigger, remove_trigger),
        migrations.RunPython(load_templates, migrations.RunPython.noop),
    ]
