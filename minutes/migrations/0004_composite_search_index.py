"""One GIN index for search, with the columns searches filter on beside the vector (btree_gin).

    municipality_id          the most used filter
    hashint8(id) & 1023      a stable pseudo-random bucket (0-1023): search/scale.py reads a
                             sample of the matches of a very common word from a few buckets
    date                     date ranges, and the newest matches as ranking candidates
    search_vector            the words

GIN combines the columns inside one index scan, so "this word in this municipality" or
"this word in buckets 0-5" reads only the matching entries, never every match of the word.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS item_search ON minutes_agendaitem "
    "USING gin (municipality_id, (hashint8(id) & 1023), date, search_vector)"
)


class Migration(migrations.Migration):
    dependencies = [("minutes", "0003_search_vector_trigger")]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(model_name="agendaitem", name="item_search_vector"),
        migrations.RunSQL(CREATE, "DROP INDEX IF EXISTS item_search"),
        # The planner's guess of how many items a word matches (search/scale.py) comes from the
        # most common lexemes ANALYZE keeps: 1,000 keeps ten times the default number of them.
        migrations.RunSQL("ALTER TABLE minutes_agendaitem ALTER COLUMN search_vector SET STATISTICS 1000",
                          "ALTER TABLE minutes_agendaitem ALTER COLUMN search_vector SET STATISTICS -1"),
    ]
