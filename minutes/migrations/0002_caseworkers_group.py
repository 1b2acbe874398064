from django.db import migrations

GROUP = "Sagsbehandlere"


def create_group(apps, schema_editor):
    """Caseworkers see closed items; the permission may not exist yet on a fresh database."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="minutes", model="agendaitem")
    permission, _ = Permission.objects.get_or_create(
        codename="view_closed_item", content_type=content_type, defaults={"name": "Kan se lukkede punkter"}
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
