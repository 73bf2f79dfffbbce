"""Generated demo media: abstract PNG illustrations (Pillow) and PDF kits (matplotlib)."""

import io
import textwrap

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection


def root_collection() -> Collection:
    """Wagtail's migrations create it; a flushed test database has none."""
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def illustration_png(colour: str, seed: int) -> bytes:
    """A 960×540 abstract picture: overlapping light discs on the topic colour."""
    picture = PillowImage.new("RGB", (960, 540), colour)
    draw = ImageDraw.Draw(picture)
    for index in range(6):
        x = (seed * 97 + index * 173) % 960
        y = (seed * 53 + index * 89) % 540
        radius = 60 + (seed * 31 + index * 47) % 140
        shade = 255 - index * 18
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            outline=(shade, shade, shade),
            width=10,
        )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def kit_pdf(title: str, summary: str, sections: dict[str, list[str]]) -> bytes:
    """A one-page A4 PDF with the kit's title, summary and bulleted sections."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.27, 11.69))
    lines = [(title, 16, "bold"), ("", 10, "normal")]
    lines += [(line, 11, "normal") for line in textwrap.wrap(summary, 80)]
    for heading, items in sections.items():
        lines += [("", 10, "normal"), (heading, 13, "bold")]
        for item in items:
            wrapped = textwrap.wrap(item, 78)
            lines.append((f"• {wrapped[0]}", 11, "normal"))
            lines += [(f"   {rest}", 11, "normal") for rest in wrapped[1:]]
    lines += [("", 10, "normal"), ("LivingLab Prévention — document de démonstration", 9, "italic")]
    for row, (text, size, style) in enumerate(lines):
        weight, slant = ("bold", "normal") if style == "bold" else ("normal", style)
        figure.text(0.08, 0.94 - row * 0.026, text, fontsize=size, weight=weight, style=slant)
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title, "Creator": "LivingLab Prévention"}) as pdf:
        pdf.savefig(figure)
    return buffer.getvalue()


def ensure_image(*, title: str, filename: str, content: bytes):
    image_model = get_image_model()
    image = image_model.objects.filter(title=title).first()
    if image is None:
        picture = ImageFile(io.BytesIO(content), name=filename)
        image = image_model(title=title, file=picture, collection=root_collection())
        image.save()
    return image


def ensure_document(*, title: str, filename: str, content: bytes):
    document_model = get_document_model()
    document = document_model.objects.filter(title=title).first()
    if document is None:
        document = document_model(title=title, collection=root_collection())
        document.file.save(filename, ContentFile(content), save=False)
        document.save()
    return document
