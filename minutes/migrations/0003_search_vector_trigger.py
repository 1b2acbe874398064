from django.db import migrations

# search_document holds the analysed lexemes in tsvector text form (search/danish.py).
# On every insert or update that sets it, the database turns it into search_vector and
# clears the text: the vector can never be stale, and the document is stored once.
TRIGGER = """
CREATE FUNCTION minutes_agendaitem_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.search_document IS NOT NULL THEN
        NEW.search_vector := NEW.search_document::tsvector;
        NEW.search_document := NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER minutes_agendaitem_search_vector
    BEFORE INSERT OR UPDATE OF search_document ON minutes_agendaitem
    FOR EACH ROW EXECUTE FUNCTION minutes_agendaitem_search_vector();
"""
DROP = """
DROP TRIGGER IF EXISTS minutes_agendaitem_search_vector ON minutes_agendaitem;
DROP FUNCTION IF EXISTS minutes_agendaitem_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("minutes", "0002_caseworkers_group")]

    operations = [migrations.RunSQL(TRIGGER, DROP)]
