from django.apps import AppConfig


class PswpConfig(AppConfig):
    name = "openpso.pswp"
    label = "pswp"
    verbose_name = "Patient safety work product"

    def ready(self) -> None:
        # A health system's read of an affiliate's report is a PSA_AFFILIATED disclosure
        # (reporting.hooks: reporting imports no later stage, so it calls us this way).
        from openpso.pswp.affiliated import log_oversight_read
        from openpso.reporting.hooks import register_oversight_read

        register_oversight_read(log_oversight_read)

        # The database half of "only the ledger writes pswp_status": triggers dropped before
        # each migrate and (re)installed after it (pswp.triggers says why).
        from django.db.models.signals import post_migrate, pre_migrate

        from openpso.pswp.triggers import on_post_migrate, on_pre_migrate

        pre_migrate.connect(on_pre_migrate, sender=self)
        post_migrate.connect(on_post_migrate, sender=self)
