"""Sample media made on this machine: Vietnamese speech from espeak-ng, moving test
patterns from ffmpeg, pictures drawn with Pillow. Every sample says it is a sample."""

import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]
TIMEOUT_SECONDS = 120
VIDEO_SIZE = (640, 360)


class SampleMediaError(RuntimeError):
    pass


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _run(command: list[str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise SampleMediaError(f"{command[0]} is not installed; run `make install-system`.")
    result = subprocess.run([program, *command[1:]], capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    if result.returncode != 0:
        raise SampleMediaError(f"{command[0]} failed: {result.stderr.decode(errors='replace')[-500:]}")


def draw_image(title: str, subtitle: str, seed: int, size: tuple[int, int] = (1200, 800)) -> bytes:
    """A JPEG with a coloured pattern, the title and a 'sample' label."""
    hue = (seed * 47) % 360
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    width, height = size
    for y in range(0, height, 8):
        shade = int(80 + 120 * y / height)
        draw.rectangle([0, y, width, y + 8], fill=_hsv(hue, 0.55, shade / 255))
    for index in range(12):
        x = (seed * 97 + index * 131) % width
        draw.polygon([(x, height), (x + 120, height // 2), (x + 240, height)], fill=_hsv(hue + 30, 0.6, 0.35))
    lines = textwrap.wrap(title, width=34)[:3]
    band_height = 60 + 60 * len(lines) + 50
    draw.rectangle([0, 40, width, 40 + band_height], fill=(0, 0, 0))
    for number, line in enumerate(lines):
        draw.text((40, 60 + 60 * number), line, font=_font(48), fill=(255, 255, 255))
    draw.text((40, 60 + 60 * len(lines) + 10), subtitle[:70], font=_font(34), fill=(255, 220, 120))
    buffer = _to_bytes(image)
    return buffer


def _hsv(hue: float, saturation: float, value: float) -> tuple[int, int, int]:
    import colorsys

    red, green, blue = colorsys.hsv_to_rgb((hue % 360) / 360, saturation, value)
    return int(red * 255), int(green * 255), int(blue * 255)


def _to_bytes(image: Image.Image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


def speak_audio(text: str, output_suffix: str = ".m4a") -> bytes:
    """Vietnamese speech from espeak-ng, encoded as AAC (or MP3 for `.mp3`)."""
    with tempfile.TemporaryDirectory(prefix="heritage-sample-") as folder:
        wav = Path(folder) / "speech.wav"
        output = Path(folder) / f"speech{output_suffix}"
        _run(["espeak-ng", "-v", "vi", "-s", "140", "-w", str(wav), text])
        codec = ["-c:a", "libmp3lame", "-b:a", "96k"] if output_suffix == ".mp3" else ["-c:a", "aac", "-b:a", "96k"]
        _run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), "-ac", "1", *codec, str(output)])
        return output.read_bytes()


def make_video(text: str, title: str, seconds: float = 6.0) -> tuple[bytes, bytes]:
    """A short H.264/AAC MP4 (a moving test pattern with the title, and spoken text) and
    a JPEG poster frame from its middle."""
    with tempfile.TemporaryDirectory(prefix="heritage-sample-") as folder:
        wav = Path(folder) / "speech.wav"
        card = Path(folder) / "card.png"
        output = Path(folder) / "video.mp4"
        _run(["espeak-ng", "-v", "vi", "-s", "140", "-w", str(wav), text])
        Image.new("RGBA", VIDEO_SIZE).save(card)
        overlay = Image.open(card)
        draw = ImageDraw.Draw(overlay)
        draw.rectangle([0, 250, 640, 330], fill=(0, 0, 0, 190))
        draw.text((20, 262), title[:40], font=_font(26), fill=(255, 255, 255, 255))
        draw.text((20, 296), "Video mẫu / Sample video", font=_font(20), fill=(255, 220, 120, 255))
        overlay.save(card)
        _run(
            [
                "ffmpeg", "-nostdin", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", f"testsrc2=size={VIDEO_SIZE[0]}x{VIDEO_SIZE[1]}:rate=25:duration={seconds}",
                "-i", str(wav), "-i", str(card),
                "-filter_complex", "[0:v][2:v]overlay=0:0[v];[1:a]apad[a]",
                "-map", "[v]", "-map", "[a]", "-t", str(seconds),
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", str(output),
            ]
        )  # fmt: skip
        poster = Path(folder) / "poster.jpg"
        _run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-ss", str(seconds / 2), "-i", str(output),
              "-frames:v", "1", "-q:v", "4", str(poster)])  # fmt: skip
        return output.read_bytes(), poster.read_bytes()


def duration_of(content: bytes, suffix: str) -> float:
    """The length in seconds of generated media, read with ffprobe."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(content)
        handle.flush()
        program = shutil.which("ffprobe")
        if program is None:
            raise SampleMediaError("ffprobe is not installed; run `make install-system`.")
        result = subprocess.run(
            [program, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", handle.name],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    try:
        return float(result.stdout.strip())
    except ValueError as error:
        raise SampleMediaError(f"ffprobe could not read the sample: {result.stderr[-300:]!r}") from error


def captions(lines: list[str], duration: float) -> bytes:
    """A WebVTT file spreading the lines evenly over the recording."""
    share = duration / max(len(lines), 1)

    def stamp(seconds: float) -> str:
        minutes, rest = divmod(seconds, 60)
        return f"{int(minutes):02d}:{rest:06.3f}"

    cues = [
        f"{stamp(number * share)} --> {stamp(min((number + 1) * share, duration))}\n{line}"
        for number, line in enumerate(lines)
    ]
    return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()
