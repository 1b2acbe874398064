"""Where `migrate` remembers what the shipped organisation registry last said (committees/registry.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0002_pg_trgm_and_municipalities'),
    ]

    operations = [
        migrations.CreateModel(
            name='RegistryEntry',
            fields=[
                ('key', models.PositiveIntegerField(primary_key=True, serialize=False)),
                ('shipped', models.JSONField()),
                ('organisation', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='registry_entry', to='committees.organisation')),
            ],
            options={
                'verbose_name': 'post i organisationsregistret',
                'verbose_name_plural': 'poster i organisationsregistret',
            },
        ),
    ]
