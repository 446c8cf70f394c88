"""External reports from original records only (no link to the event report,
no PSES assessments such as harm or Common Formats codes, a required `source`), and the PSES
policy's purposes for which information is collected outside the PSES."""

import django.db.models.deletion
import openpso.encryption.fields
from django.conf import settings
from django.db import migrations, models


BEFORE = "None named: recorded before issue 15, from the PSES report's fields (not an original record)"


def _name_the_missing_source(apps, schema_editor):
    apps.get_model("pswp", "ExternalReport").objects.filter(source="").update(source=BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_organization_time_zone"),
        ("pswp", "0002_provider_authorizations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name="externalreport",
            name="categories",
        ),
        migrations.RemoveField(
            model_name="externalreport",
            name="event_type",
        ),
        migrations.RemoveField(
            model_name="externalreport",
            name="harm",
        ),
        migrations.RemoveField(
            model_name="externalreport",
            name="source_report",
        ),
        migrations.AddField(
            model_name="externalreport",
            name="agency_category",
            field=models.CharField(
                blank=True,
                help_text="e.g. NQF SRE 4F",
                max_length=200,
                verbose_name="event category in the agency's own list",
            ),
        ),
        migrations.AddField(
            model_name="externalreport",
            name="event_description",
            field=openpso.encryption.fields.EncryptedTextField(
                blank=True, verbose_name="what happened, as the original record states it"
            ),
        ),
        migrations.AddField(
            model_name="externalreport",
            name="outcome",
            field=openpso.encryption.fields.EncryptedTextField(
                blank=True, verbose_name="patient outcome as the medical record documents it"
            ),
        ),
        migrations.AddField(
            model_name="externalreport",
            name="source",
            field=openpso.encryption.fields.EncryptedTextField(
                default="", verbose_name="original records the facts come from"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="psespolicy",
            name="non_pses_purposes",
            field=models.TextField(
                blank=True,
                help_text="Purposes for which the provider collects information outside the PSES, one per line",
            ),
        ),
        migrations.AlterField(
            model_name="externalreport",
            name="discovered_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="when it happened or was found, per the original record"
            ),
        ),
        migrations.AlterField(
            model_name="externalreport",
            name="patient_age_years",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="patient's age in years"),
        ),
        migrations.AlterField(
            model_name="externalreport",
            name="patient_sex",
            field=models.CharField(
                blank=True,
                choices=[("M", "Male"), ("F", "Female"), ("UNK", "Unknown")],
                max_length=3,
                verbose_name="patient's sex",
            ),
        ),
        # Rows built before this migration copied their facts from the event report (now
        # removed); they name no original record, and say so rather than stay blank.
        migrations.RunPython(_name_the_missing_source, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="externalreport",
            constraint=models.CheckConstraint(
                condition=models.Q(("source", ""), _negated=True), name="external_report_names_its_source"
            ),
        ),
    ]
