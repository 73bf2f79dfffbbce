"""The one block library every StreamField of the site uses."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("titre"), max_length=150)
    level = blocks.ChoiceBlock(
        label=_("niveau"), choices=[("h2", _("Titre 2")), ("h3", _("Titre 3"))], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Titre")
        template = "cms/blocks/heading.html"


class AccessibleImageBlock(blocks.StructBlock):
    """An image that cannot be published without a text alternative (RGAA 1.1)."""

    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("texte alternatif"),
        max_length=250,
        help_text=_("Ce que l'image apporte au texte, pour les lecteurs d'écran."),
    )
    caption = blocks.CharBlock(label=_("légende"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("chiffre"), max_length=30)
    label = blocks.CharBlock(label=_("ce qu'il mesure"), max_length=200)
    source = blocks.CharBlock(label=_("source"), required=False, max_length=250)

    class Meta:
        icon = "pick"
        label = _("Chiffre clé")
        template = "cms/blocks/key_figure.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("citation ou témoignage"))
    author = blocks.CharBlock(label=_("auteur"), max_length=120)
    role = blocks.CharBlock(label=_("fonction"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Citation ou témoignage")
        template = "cms/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("texte du lien"), max_length=120)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("adresse externe"), required=False)

    class Meta:
        icon = "link"
        label = _("Appel à l'action")
        template = "cms/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choisissez une page ou une adresse externe (une seule).")
            raise StructBlockValidationError(block_errors={"url": ValidationError(message)})
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        label = _("Document à télécharger")
        template = "cms/blocks/document.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("réponse"), features=RICH_TEXT_FEATURES)


class FaqBlock(blocks.StructBlock):
    items = blocks.ListBlock(FaqItemBlock(), label=_("questions"))

    class Meta:
        icon = "help"
        label = _("Questions fréquentes")
        template = "cms/blocks/faq.html"


class EmbedWithTitleBlock(blocks.StructBlock):
    """An embedded video or map; the title names the frame for assistive technologies."""

    embed = EmbedBlock(label=_("adresse de la vidéo ou de la carte"))
    title = blocks.CharBlock(label=_("titre du contenu intégré"), max_length=150)

    class Meta:
        icon = "media"
        label = _("Contenu intégré")
        template = "cms/blocks/embed.html"


class ContentBlocks(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Texte"), features=RICH_TEXT_FEATURES, template="cms/blocks/paragraph.html"
    )
    image = AccessibleImageBlock()
    key_figure = KeyFigureBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    document = DocumentBlock()
    faq = FaqBlock()
    embed = EmbedWithTitleBlock()
