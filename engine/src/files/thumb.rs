//! Thumbnails of images (issue 19), made on the server with the `image` crate.
//!
//! A thumbnail is at most [`EDGE`] pixels on its longer side, turned upright by the
//! photo's EXIF orientation, flattened onto white and encoded as a fresh JPEG — so it
//! carries none of the original's metadata (EXIF with GPS position, camera, times).
//! The original is kept byte for byte (it is the customer's evidence; downloads are
//! scoped to the chat) — see the README's *Files and images*.
//!
//! Decoding is bounded: at most [`MAX_SIDE`] pixels a side and [`MAX_DECODE_BYTES`] of
//! decoder memory, so a "decompression bomb" is refused, not decoded. The memory bound
//! is checked here, from the header's size, before a pixel is decoded (issue 30): the
//! JPEG decoder does not honour `Limits::max_alloc`, and a progressive JPEG of
//! 11,900 × 11,900 in 812 KiB took 830 MB. An image that is whole but too large to
//! decode within the budget keeps its size and gets no thumbnail (it is still sent, as
//! a file shown by name); a broken image is an `Err`, never a panic (the caller also
//! runs this on a blocking thread, so even a decoder's panic would only fail this one
//! upload).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};

/// The longer side of a thumbnail, in pixels.
pub(crate) const EDGE: u32 = 320;
/// The longest side of an image we decode.
pub(crate) const MAX_SIDE: u32 = 12_000;
/// The most memory a decoder may ask for.
pub(crate) const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// A thumbnail (none when decoding the picture would pass [`MAX_DECODE_BYTES`]), with
/// the original's upright size.
#[derive(Debug)]
pub(crate) struct Thumb {
    pub(crate) jpeg: Option<Vec<u8>>,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

/// The thumbnail of an image, or why it cannot be read.
pub(crate) fn thumbnail(bytes: &[u8]) -> Result<Thumb, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err("the image is empty".into());
    }
    if decoding_cost(decoder.total_bytes(), jpeg(bytes), orientation) > MAX_DECODE_BYTES {
        let (width, height) = upright(w, h, orientation);
        return Ok(Thumb {
            jpeg: None,
            width,
            height,
        });
    }
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    let small = if width > EDGE || height > EDGE {
        img.thumbnail(EDGE, EDGE)
    } else {
        img
    };
    let rgb = on_white(&small);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82)
        .encode_image(&rgb)
        .map_err(|e| e.to_string())?;
    Ok(Thumb {
        jpeg: Some(jpeg),
        width,
        height,
    })
}

/// Whether `bytes` are a JPEG (its start-of-image marker).
fn jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// The memory decoding a picture of `pixels_bytes` (the decoded image's size) asks for
/// at its peak: the picture itself, a JPEG decoder's coefficients (two bytes a sample
/// for a progressive one — counted for every JPEG, as the header alone does not say
/// which), and an upright copy when the photo must be turned.
fn decoding_cost(pixels_bytes: u64, jpeg: bool, orientation: image::metadata::Orientation) -> u64 {
    use image::metadata::Orientation::NoTransforms;
    let coefficients = if jpeg { 2 } else { 0 };
    let turned = u64::from(orientation != NoTransforms);
    pixels_bytes.saturating_mul(1 + coefficients + turned)
}

/// The size of a `w` × `h` picture once turned by `orientation`.
fn upright(w: u32, h: u32, orientation: image::metadata::Orientation) -> (u32, u32) {
    use image::metadata::Orientation::*;
    match orientation {
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH => (h, w),
        NoTransforms | Rotate180 | FlipHorizontal | FlipVertical => (w, h),
    }
}

/// The image over a white background (JPEG has no transparency; a transparent
/// screenshot would otherwise turn black).
fn on_white(img: &DynamicImage) -> RgbImage {
    let rgba = img.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small PNG with a transparent corner.
    pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| {
            if x < 40 && y < 40 {
                image::Rgba([0, 0, 0, 0])
            } else {
                image::Rgba([(x * 7) as u8, (y * 5) as u8, 200, 255])
            }
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_thumbnail_is_small_upright_and_a_fresh_jpeg() {
        let t = thumbnail(&png(800, 400)).unwrap();
        assert_eq!((t.width, t.height), (800, 400));
        let jpeg = t.jpeg.unwrap();
        let back = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (EDGE, EDGE / 2));
        assert_eq!(&jpeg[..2], b"\xff\xd8");
        // no EXIF segment in what we wrote
        assert!(!jpeg.windows(4).any(|w| w == b"Exif"));
        // the transparent corner became white, not black
        let px = back.to_rgb8().get_pixel(0, 0).0;
        assert!(px.iter().all(|c| *c > 180), "{px:?}");
        // small images keep their size
        let t = thumbnail(&png(30, 20)).unwrap();
        let back = image::load_from_memory(&t.jpeg.unwrap()).unwrap();
        assert_eq!((back.width(), back.height()), (30, 20));
    }

    /// A JPEG whose header claims 11,900 × 11,900 (425 MB of pixels, more with a
    /// progressive decoder's coefficients) is measured, not decoded: its size, no
    /// thumbnail. One of 6,000 × 4,000 (a 24-megapixel photo) would still be decoded.
    #[test]
    fn a_jpeg_past_the_budget_is_not_decoded() {
        let img = image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([x as u8, 9, 9]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
            .unwrap();
        let at = out.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        out[at + 5..at + 7].copy_from_slice(&11_900u16.to_be_bytes());
        out[at + 7..at + 9].copy_from_slice(&11_800u16.to_be_bytes());
        let t = thumbnail(&out).unwrap();
        assert_eq!((t.width, t.height), (11_800, 11_900));
        assert!(t.jpeg.is_none());
        use image::metadata::Orientation::*;
        assert!(decoding_cost(6_000 * 4_000 * 3, true, NoTransforms) <= MAX_DECODE_BYTES);
        assert!(decoding_cost(11_900 * 11_900 * 3, true, NoTransforms) > MAX_DECODE_BYTES);
        assert_eq!(upright(40, 30, Rotate90), (30, 40));
    }

    /// Fuzzing by hand (deterministic, so a failure reproduces): every prefix of a real
    /// PNG, and thousands of copies with bytes flipped, must answer without panicking.
    #[test]
    fn broken_images_are_refused_not_crashed_on() {
        let good = png(40, 30);
        for cut in 0..good.len() {
            let _ = thumbnail(&good[..cut]);
        }
        assert!(thumbnail(&good[..good.len() / 2]).is_err());
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2_000 {
            let mut bad = good.clone();
            for _ in 0..1 + next() % 8 {
                let i = (next() as usize) % bad.len();
                bad[i] = next() as u8;
            }
            let _ = thumbnail(&bad);
        }
        for len in [0usize, 1, 8, 100, 5_000] {
            let junk: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            assert!(thumbnail(&junk).is_err());
        }
        // a header claiming a 100,000 × 100,000 picture is refused
        let mut bomb = good.clone();
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(thumbnail(&bomb).is_err());
    }
}
