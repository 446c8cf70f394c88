"""Forms of the follow-up channel. Rules live in `channel.actions` and `schemas.ReportIn`."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils import timezone

from openpso.lib.anonymity import anonymous_time
from openpso.organizations.timezones import zone_of
from openpso.reporting.channel.actions import PASSPHRASE_MIN_LENGTH
from openpso.reporting.forms import DATETIME_LOCAL, ReportForm
from openpso.reporting.models import FollowUpKind

# Short, common, distinct English words for suggested passphrases: 4 of these are easy
# to remember and type on a phone. The receipt code (~79 bits) is the main secret; the
# passphrase is the second factor, and wrong tries lock the receipt.
_WORD_TEXT = """
            acorn actor adobe agent album alley amber angle ankle apple apron arena arrow aspen atlas
            attic award bacon badge bagel baker banjo barn basil beach beard bench berry bison blade
            blank blaze blend bloom board boat bonus boots brave bread brick bride brook broom brush
            bucket buddy bugle cabin cable cactus camel candle canoe canyon cargo carpet castle cedar
            chalk charm cherry chess chief chime cider cinema circus clay cliff cloak clock cloud clover
            coach coast cobra cocoa comet coral cotton couch cougar cradle crane crayon creek cricket
            crown cruise crystal cub cupcake curtain cycle daisy dance delta denim desert diary dingo
            dolphin donkey dragon drum eagle easel echo elbow ember emerald engine falcon fable farm
            feather fence fern ferry fiddle field finch flame flute forest fossil fox frost fudge galaxy
            garden garlic gecko giant ginger glacier globe glove goose grape gravel guitar hammer harbor
            harp hazel heron hill honey hornet hotel igloo island ivory jacket jaguar jelly jewel jigsaw
            jungle kayak kettle kitten kiwi koala ladder lagoon lake lantern lemon leopard lettuce lily
            lizard llama lobster locket lotus lunar magnet mango maple marble meadow melon mint mitten
            monkey moose mosaic moss muffin nectar needle nest noodle novel oasis ocean olive onion
            orbit orchid otter owl oyster paddle palace panda panther paper parade parrot pasta peach
            peanut pebble pelican pepper piano pickle pigeon pillow pine pirate pizza planet plum pocket
            pony poppy potato prairie puffin pumpkin puppy quartz quill rabbit radar radish rain raven
            reef ribbon river robin rocket rose ruby saddle sage salmon sandal satin scarf shell sierra
            silver sketch sled slope snow sock sofa spark sparrow spider spoon spruce squash star stone
            storm straw summit sunset swan tablet tango teapot tiger timber toast tomato topaz torch
            tulip tundra turtle umbrella valley velvet violin volcano waffle walnut walrus wagon willow
            window winter wizard wolf yacht yogurt zebra zenith
            """
WORDS = tuple(sorted(set(_WORD_TEXT.split())))


def suggest_passphrase(words: int = 4) -> str:
    return "-".join(secrets.choice(WORDS) for _ in range(words))


class AnonymousReportForm(ReportForm):
    """The signed-in report form as it is, minus what would say who is reporting."""

    anonymous_channel = True  # its drug search is the identity-free, rate-limited one

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Always anonymous, and DE36 (job or position) could narrow down who reported.
        for name in ("anonymous", "reporter_role"):
            self.fields.pop(name, None)
        if not self.is_bound:
            # The signed-in form defaults the discovery time to now, to the minute: kept as
            # is, that would date the report's filing finer than the hour (invariant 2).
            hour = anonymous_time(timezone.localtime(timezone=zone_of(self.provider)))
            self.initial["discovered_at"] = hour
            self.initial["discovered_at_suggested"] = hour.strftime(DATETIME_LOCAL)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        moment = cleaned.get("discovered_at")
        suggested = self.data.get("discovered_at_suggested")
        if moment is not None and suggested and self.data.get("discovered_at") == suggested:
            # Left as its page suggested it: from the signed-in form's "Report anonymously"
            # (views.report_new) that is now, to the minute, which would date the filing
            # finer than the hour. Kept as this page suggests it: the hour, in the provider's time.
            local = timezone.localtime(moment, zone_of(self.provider))
            cleaned["discovered_at"] = anonymous_time(local)
        return cleaned

    def report_data(self, provider: Any) -> dict[str, Any]:
        data = super().report_data(provider)
        data.pop("reporter_role", None)
        data["anonymous"] = True
        return data


class PassphraseForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    passphrase = forms.CharField(
        label="Choose a passphrase",
        min_length=PASSPHRASE_MIN_LENGTH,
        max_length=200,
        strip=False,
        help_text=f"At least {PASSPHRASE_MIN_LENGTH} characters, or keep the one suggested. "
        "You need it with the receipt code to come back; nobody can recover it for you.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(
        label="Receipt code",
        max_length=40,
        help_text="Like 7KQM-2XHD-9RVA-PW4T; dashes and small letters are fine.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    passphrase = forms.CharField(
        label="Passphrase",
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class AnswerForm(forms.Form):
    question = forms.UUIDField(widget=forms.HiddenInput)
    body = forms.CharField(label="Your answer", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class AnonymousAnswerForm(AnswerForm):
    token = forms.CharField(widget=forms.HiddenInput)


class FollowUpPostForm(forms.Form):
    kind = forms.ChoiceField(
        label="Post",
        widget=forms.RadioSelect,
        initial=FollowUpKind.QUESTION,
        choices=[
            (FollowUpKind.QUESTION, "A question to the reporter"),
            (FollowUpKind.WHAT_CHANGED, "What changed because they reported"),
        ],
    )
    body = forms.CharField(label="Message", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
