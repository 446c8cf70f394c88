from django.apps import AppConfig


class PswpConfig(AppConfig):
    name = "openpso.pswp"
    label = "pswp"
    verbose_name = "Patient safety work product"

    def ready(self) -> None:
        # The database half of "only the ledger writes pswp_status": triggers dropped before
        # each migrate and (re)installed after it (pswp.triggers says why).
        from django.db.models.signals import post_migrate, pre_migrate

        from openpso.pswp.triggers import on_post_migrate, on_pre_migrate

        pre_migrate.connect(on_pre_migrate, sender=self)
        post_migrate.connect(on_post_migrate, sender=self)
