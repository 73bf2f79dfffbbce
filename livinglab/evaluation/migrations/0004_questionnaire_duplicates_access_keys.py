"""Online questionnaires: duplicates kept apart, optional per-wave access keys.

`allow_resubmission` goes: a submission never replaces stored answers any more (a manager
decides on each duplicate). Existing waves each get their own random key (AddField would give
them all the same one).
"""

import secrets

import django.db.models.deletion
from django.db import migrations, models

import livinglab.evaluation.measurement.models


def give_each_wave_its_own_key(apps, schema_editor):
    Wave = apps.get_model("evaluation", "Wave")
    for wave in Wave.objects.only("pk"):
        Wave.objects.filter(pk=wave.pk).update(access_key=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_campaign_retention"),
        ("evaluation", "0003_run_files_private"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="questionnairesettings",
            name="allow_resubmission",
        ),
        migrations.AddField(
            model_name="questionnairesettings",
            name="require_access_key",
            field=models.BooleanField(
                default=False,
                help_text="Seuls les liens d'invitation (et leurs QR codes) donnés par l'équipe ouvrent alors le questionnaire.",
                verbose_name="exiger la clé d'accès de la vague dans le lien",
            ),
        ),
        migrations.AddField(
            model_name="wave",
            name="access_key",
            field=models.CharField(
                default=livinglab.evaluation.measurement.models.new_access_key,
                editable=False,
                help_text="Exigée dans le lien d'invitation (?cle=…) quand la campagne le demande.",
                max_length=64,
                verbose_name="clé d'accès au questionnaire",
            ),
        ),
        migrations.RunPython(give_each_wave_its_own_key, migrations.RunPython.noop),
        migrations.CreateModel(
            name="PendingSubmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("online", "déjà répondu en ligne"),
                            ("imported", "réponses importées"),
                        ],
                        max_length=20,
                        verbose_name="motif",
                    ),
                ),
                ("values", models.JSONField(default=dict, verbose_name="valeurs envoyées")),
                ("submitted_at", models.DateTimeField(auto_now_add=True, verbose_name="envoyé le")),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_submissions",
                        to="campaigns.campaign",
                    ),
                ),
                (
                    "participant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_submissions",
                        to="campaigns.participant",
                    ),
                ),
                (
                    "wave",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_submissions",
                        to="evaluation.wave",
                    ),
                ),
            ],
            options={
                "verbose_name": "réponse en ligne en double",
                "verbose_name_plural": "réponses en ligne en double",
                "ordering": ["submitted_at", "pk"],
            },
        ),
    ]
