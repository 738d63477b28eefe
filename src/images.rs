//! Stripping metadata from published images (PNG, JPEG, WebP) before they are
//! written.
//!
//! Photographs and scans carry metadata nobody looks at: EXIF (camera owner,
//! GPS position, the date a photo of a person's home was taken), XMP (author,
//! editing history, sometimes the name of the original file), IPTC captions and
//! free-text comments. The ICO's guidance on publishing information
//! ("What should we consider when publishing information?") names hidden
//! metadata as a common way personal data escapes. This module keeps only what a
//! decoder needs to show the picture correctly and drops everything else.
//!
//! It works byte by byte on the container formats, with an allow-list of the
//! parts that are kept (unknown parts are dropped, never kept by default), and
//! refuses a file it cannot walk from end to end rather than guess. It never
//! decodes or re-encodes pixels, so the picture is unchanged.
//!
//! What is kept, and why nothing in it is text nobody has seen:
//!
//! - PNG: `IHDR`, `PLTE`, `IDAT`, `IEND`, `tRNS`, `cHRM`, `gAMA`, `sBIT`,
//!   `sRGB`, `cICP`, `mDCV`, `cLLI`, `bKGD`, `hIST`, `pHYs`, and the animation
//!   chunks `acTL`, `fcTL`, `fdAT`. All are numbers or pixels. Dropped besides
//!   text, `eXIf` and `tIME`: `iCCP` (an ICC profile has a name and carries
//!   `desc` and `cprt` text, compressed where no scan could see it) and `sPLT`
//!   (a named palette). Without `iCCP` a viewer shows the colours as sRGB.
//! - JPEG: `APP0` JFIF cut to its fixed 14 bytes (its thumbnail, which can
//!   show what the picture was cropped to hide, is dropped), `APP14` Adobe cut
//!   to its fixed 12 bytes, and the tables, frame and scan segments decoding
//!   needs. `APP2` ICC profiles are dropped, like PNG's.
//! - WebP: `VP8X` (its ICC, EXIF and XMP flags cleared), `VP8 `, `VP8L`,
//!   `ALPH`, `ANIM`, and `ANMF` frames holding only `ALPH`, `VP8 ` and `VP8L`.
//!   `ICCP`, `EXIF`, `XMP ` and unknown chunks, at the top or inside a frame,
//!   are dropped.
//!
//! What is kept and is not pixel data ([`text_parts`]) is still read as text
//! by the personal-data guard, and the leak scan reads every byte of every
//! image: text in an image file is never published unseen.
//!
//! This module must never return bytes it has not fully parsed, and never keep
//! a segment or chunk it does not know to be needed for display.

/// An image format that may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Webp,
}

impl ImageKind {
    /// The kind for a file name's extension (lower case, as content names are).
    pub fn from_name(name: &str) -> Option<ImageKind> {
        match name.rsplit_once('.').map(|(_, e)| e)? {
            "png" => Some(ImageKind::Png),
            "jpg" | "jpeg" => Some(ImageKind::Jpeg),
            "webp" => Some(ImageKind::Webp),
            _ => None,
        }
    }
}

/// Why an image could not be cleaned. Never contains the image's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripError(pub String);

impl std::fmt::Display for StripError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(message: &str) -> Result<T, StripError> {
    Err(StripError(message.to_string()))
}

/// The image without its metadata. Stripping is idempotent: stripping a
/// clean image returns the same bytes, which [`has_metadata`] relies on.
pub fn strip(kind: ImageKind, bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    match kind {
        ImageKind::Png => strip_png(bytes),
        ImageKind::Jpeg => strip_jpeg(bytes),
        ImageKind::Webp => strip_webp(bytes),
    }
}

/// Whether the image still carries something [`strip`] would remove (or
/// cannot be parsed at all). Used by the independent check of the output.
pub fn has_metadata(kind: ImageKind, bytes: &[u8]) -> bool {
    match strip(kind, bytes) {
        Ok(clean) => clean != bytes,
        Err(_) => true,
    }
}

/// The parts of a cleaned image that are not pixel data (PNG chunks other
/// than `IDAT` and `fdAT`; JPEG segments other than the entropy-coded scans;
/// WebP's `VP8X` and `ANIM`), one to a line, for the personal-data guard to
/// read as text. Pixel data is compressed or entropy-coded: read as text it
/// would only make false alarms. An image that cannot be walked gives `None`.
pub fn text_parts(kind: ImageKind, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut part = |p: &[u8]| {
        out.extend_from_slice(p);
        out.push(b'\n');
    };
    match kind {
        ImageKind::Png => {
            let mut at = PNG_SIGNATURE.len();
            while let Some(header) = bytes.get(at..at + 8) {
                let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
                let data = bytes.get(at + 8..at + 8 + len)?;
                if !PNG_PIXELS.iter().any(|k| k[..] == header[4..8]) {
                    part(data);
                }
                at += 12 + len;
            }
        }
        ImageKind::Jpeg => {
            let mut at = 2;
            while at + 4 <= bytes.len() {
                let marker = bytes[at + 1];
                if bytes[at] != 0xFF || matches!(marker, 0xD0..=0xD9 | 0x01) {
                    at += 1; // scan data and markers without a length
                    continue;
                }
                let len = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
                part(bytes.get(at + 4..at + 2 + len.max(2))?);
                at += 2 + len;
                if marker == 0xDA {
                    // Skip the scan data to the next marker.
                    while at + 1 < bytes.len()
                        && (bytes[at] != 0xFF || matches!(bytes[at + 1], 0x00 | 0xD0..=0xD7))
                    {
                        at += 1;
                    }
                }
            }
        }
        ImageKind::Webp => {
            let mut at = 12;
            while let Some(header) = bytes.get(at..at + 8) {
                let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
                let data = bytes.get(at + 8..at + 8 + len)?;
                if matches!(&header[..4], b"VP8X" | b"ANIM") {
                    part(data);
                }
                at += 8 + len + (len & 1);
            }
        }
    }
    Some(out)
}

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// PNG chunks kept: the critical ones and the ancillary ones that affect how
/// the picture is shown (PNG Third Edition, W3C 2025, section 11) and hold no
/// text. Text (`tEXt`, `zTXt`, `iTXt`), `eXIf`, `tIME`, `iCCP`, `sPLT` and any
/// private or unknown ancillary chunk are dropped.
const PNG_KEEP: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"sBIT", b"sRGB", b"cICP",
    b"mDCV", b"cLLI", b"bKGD", b"hIST", b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

/// PNG chunks of pixel data, not read as text.
const PNG_PIXELS: &[&[u8; 4]] = &[b"IDAT", b"fdAT"];

fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return err("it does not start with the PNG signature");
    }
    let mut out = PNG_SIGNATURE.to_vec();
    let mut at = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        let Some(header) = bytes.get(at..at + 8) else {
            return err("a PNG chunk is cut short (the file ends before IEND)");
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind: [u8; 4] = [header[4], header[5], header[6], header[7]];
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return err("a PNG chunk has an invalid type");
        }
        let end = at
            .checked_add(12)
            .and_then(|x| x.checked_add(len))
            .filter(|&e| e <= bytes.len());
        let Some(end) = end else {
            return err("a PNG chunk is longer than the file");
        };
        if first && &kind != b"IHDR" {
            return err("the first PNG chunk is not IHDR");
        }
        first = false;
        // Bit 5 of the first byte: 0 means critical, needed to decode.
        let critical = kind[0].is_ascii_uppercase();
        if PNG_KEEP.contains(&&kind) {
            out.extend_from_slice(&bytes[at..end]);
        } else if critical {
            return err("the PNG has a critical chunk this tool does not know");
        }
        at = end;
        if &kind == b"IEND" {
            // Anything after IEND is not part of the image and is dropped.
            return Ok(out);
        }
    }
}

/// The fixed fields of a JFIF `APP0` payload: `JFIF\0`, version, units,
/// densities, thumbnail size (JFIF 1.02, ITU T.871).
const JFIF_FIXED: usize = 14;
/// The fixed fields of an Adobe `APP14` payload: `Adobe`, version, two flag
/// words and the colour transform.
const ADOBE_FIXED: usize = 12;

fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return err("it does not start with a JPEG SOI marker");
    }
    let mut out = vec![0xFF, 0xD8];
    let mut at = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes (ITU T.81 B.1.1.2).
        if bytes.get(at) != Some(&0xFF) {
            return err("a JPEG segment does not start with a marker");
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = bytes.get(at) else {
            return err("the JPEG ends inside a marker");
        };
        at += 1;
        match marker {
            0xD9 => {
                // EOI: anything after it is not part of the image and is dropped.
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok(out);
            }
            0xD0..=0xD7 | 0x01 => {
                out.extend_from_slice(&[0xFF, marker]);
                continue;
            }
            0x00 => return err("the JPEG has a stray 0xFF00 outside scan data"),
            _ => {}
        }
        let Some(len_bytes) = bytes.get(at..at + 2) else {
            return err("a JPEG segment is cut short");
        };
        let len = u16::from_be_bytes([len_bytes[0], len_bytes[1]]) as usize;
        if len < 2 || at + len > bytes.len() {
            return err("a JPEG segment is longer than the file");
        }
        let payload = &bytes[at + 2..at + len];
        let keep = match marker {
            // APP0: only JFIF, cut to its fixed fields, with no thumbnail.
            0xE0 if payload.starts_with(b"JFIF\0") => {
                if payload.len() < JFIF_FIXED {
                    return err("the JPEG's JFIF segment is too short");
                }
                let mut jfif = payload[..JFIF_FIXED].to_vec();
                jfif[12] = 0; // thumbnail width and height
                jfif[13] = 0;
                Some(jfif)
            }
            // APP14: Adobe's colour transform flag, which decoders need.
            0xEE if payload.starts_with(b"Adobe") => {
                Some(payload[..payload.len().min(ADOBE_FIXED)].to_vec())
            }
            // APP0 other than JFIF, APP1 (EXIF, XMP), APP2 (ICC profiles,
            // FlashPix, MPF), APP13 (Photoshop IPTC), other APPn, COM.
            0xE0..=0xEF | 0xFE => None,
            // DQT, DHT, DAC, SOFn, DRI, DNL, DHP, EXP, SOS: decoding needs them.
            0xC0..=0xCF | 0xDA..=0xDF => Some(payload.to_vec()),
            _ => return err("the JPEG has a marker this tool does not know"),
        };
        if let Some(kept) = keep {
            out.extend_from_slice(&[0xFF, marker]);
            out.extend_from_slice(&((kept.len() + 2) as u16).to_be_bytes());
            out.extend_from_slice(&kept);
        }
        at += len;
        if marker == 0xDA {
            // Entropy-coded data follows SOS up to the next marker that is not
            // a stuffed 0xFF00 or a restart marker (T.81 B.1.1.5 and F.1.2.3).
            let start = at;
            loop {
                let Some(&b) = bytes.get(at) else {
                    return err("the JPEG ends inside its image data");
                };
                if b == 0xFF {
                    match bytes.get(at + 1) {
                        Some(0x00) | Some(0xD0..=0xD7) => at += 2,
                        Some(_) => break,
                        None => return err("the JPEG ends inside its image data"),
                    }
                } else {
                    at += 1;
                }
            }
            out.extend_from_slice(&bytes[start..at]);
        }
    }
}

/// WebP chunks kept (RFC 9649, section 2.7): image data, alpha and
/// animation. `ICCP`, `EXIF`, `XMP ` and unknown chunks are dropped.
const WEBP_KEEP: &[&[u8; 4]] = &[b"VP8X", b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF"];

/// Chunks kept inside an animation frame: its image data.
const WEBP_FRAME_KEEP: &[&[u8; 4]] = &[b"VP8 ", b"VP8L", b"ALPH"];

/// VP8X flag bits (RFC 9649, section 2.7): ICC is 0x20, EXIF 0x08, XMP 0x04.
const VP8X_ICC: u8 = 0x20;
const VP8X_EXIF: u8 = 0x08;
const VP8X_XMP: u8 = 0x04;

/// The sub-chunks of an `ANMF` payload after its 16-byte header, keeping
/// only image data.
fn webp_frame(payload: &[u8]) -> Result<Vec<u8>, StripError> {
    if payload.len() < 16 {
        return err("a WebP animation frame is too short");
    }
    let mut out = payload[..16].to_vec();
    let mut at = 16;
    while at < payload.len() {
        let Some(header) = payload.get(at..at + 8) else {
            return err("a chunk inside a WebP animation frame is cut short");
        };
        let kind: [u8; 4] = [header[0], header[1], header[2], header[3]];
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let Some(end) = (at + 8)
            .checked_add(len + (len & 1))
            .filter(|&e| e <= payload.len())
        else {
            return err("a chunk inside a WebP animation frame is longer than the frame");
        };
        if WEBP_FRAME_KEEP.contains(&&kind) {
            out.extend_from_slice(&payload[at..end]);
        }
        at = end;
    }
    Ok(out)
}

fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return err("it does not start with a RIFF WEBP header");
    }
    let riff_len = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let Some(riff_end) = riff_len.checked_add(8).filter(|&e| e <= bytes.len()) else {
        return err("the WebP's RIFF size is larger than the file");
    };
    if riff_len % 2 != 0 {
        return err("the WebP's RIFF size is odd");
    }
    let mut out = b"RIFF\0\0\0\0WEBP".to_vec();
    let mut at = 12;
    let mut first = true;
    let mut image_data = false;
    while at < riff_end {
        let Some(header) = bytes.get(at..at + 8).filter(|_| at + 8 <= riff_end) else {
            return err("a WebP chunk is cut short");
        };
        let kind: [u8; 4] = [header[0], header[1], header[2], header[3]];
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let padded = len + (len & 1);
        let Some(end) = (at + 8).checked_add(padded).filter(|&e| e <= riff_end) else {
            return err("a WebP chunk is longer than the file");
        };
        if first && !matches!(&kind, b"VP8X" | b"VP8 " | b"VP8L") {
            return err("the first WebP chunk is not VP8X, VP8 or VP8L");
        }
        if &kind == b"ANMF" {
            let frame = webp_frame(&bytes[at + 8..at + 8 + len])?;
            out.extend_from_slice(b"ANMF");
            out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            out.extend_from_slice(&frame);
            if frame.len() % 2 == 1 {
                out.push(0);
            }
            image_data = true;
        } else if WEBP_KEEP.contains(&&kind) {
            let start = out.len();
            out.extend_from_slice(&bytes[at..end]);
            if &kind == b"VP8X" {
                if len < 10 {
                    return err("the WebP's VP8X chunk is too short");
                }
                out[start + 8] &= !(VP8X_ICC | VP8X_EXIF | VP8X_XMP);
            }
            image_data |= matches!(&kind, b"VP8 " | b"VP8L" | b"ANMF");
        } else if first {
            unreachable!("checked above");
        }
        first = false;
        at = end;
    }
    if !image_data {
        return err("the WebP holds no image data");
    }
    let size =
        u32::try_from(out.len() - 8).map_err(|_| StripError("the WebP is too large".into()))?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok(out)
}

/// The largest picture whose pixels [`pixels_digest`] decodes: 64 million
/// bytes of RGBA (a 4,000 by 4,000 picture).
const MAX_PIXEL_BYTES: usize = 64 << 20;

/// A hash of what a PNG shows: its size and every pixel as 8-bit RGBA,
/// whatever its bit depth, colour type, palette, filters, compression or
/// chunking, so that an exempt picture saved again is known by what it
/// shows, not by its bytes. `None` for any other file, an interlaced or
/// animated PNG (known by its bytes only), or one that cannot be decoded.
pub fn pixels_digest(bytes: &[u8]) -> Option<[u8; 32]> {
    use std::io::Read;
    let mut at = PNG_SIGNATURE.len();
    if !bytes.starts_with(PNG_SIGNATURE) {
        return None;
    }
    let (mut header, mut palette, mut alpha) = (None, Vec::new(), Vec::new());
    let mut idat = Vec::new();
    while let Some(head) = bytes.get(at..at + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let data = bytes.get(at + 8..at + 8 + len)?;
        match &head[4..8] {
            b"IHDR" if data.len() == 13 => header = Some(data),
            b"PLTE" => palette = data.to_vec(),
            b"tRNS" => alpha = data.to_vec(),
            b"IDAT" => idat.extend_from_slice(data),
            b"acTL" | b"fdAT" => return None,
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    let h = header?;
    let width = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
    let height = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
    let (depth, colour, interlaced) = (usize::from(h[8]), h[9], h[12] != 0);
    let channels = match colour {
        0 | 3 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => return None,
    };
    if interlaced || !matches!(depth, 1 | 2 | 4 | 8 | 16) || width == 0 || height == 0 {
        return None;
    }
    if width.checked_mul(height)?.checked_mul(4)? > MAX_PIXEL_BYTES {
        return None;
    }
    let bits = channels * depth;
    let row = (width * bits).div_ceil(8);
    let bpp = bits.div_ceil(8);
    let mut raw = Vec::new();
    let want = (row + 1) * height;
    flate2::read::ZlibDecoder::new(&idat[..])
        .take(want as u64)
        .read_to_end(&mut raw)
        .ok()?;
    if raw.len() != want {
        return None;
    }
    // Filters undone (PNG specification, 9.2), row after row.
    let mut rows = vec![0u8; row * height];
    for y in 0..height {
        let filter = raw[y * (row + 1)];
        let line = &raw[y * (row + 1) + 1..(y + 1) * (row + 1)];
        let (done, rest) = rows.split_at_mut(y * row);
        let prev = (y > 0).then(|| &done[(y - 1) * row..]);
        let out = &mut rest[..row];
        for x in 0..row {
            let a = if x >= bpp { i32::from(out[x - bpp]) } else { 0 };
            let b = prev.map_or(0, |p| i32::from(p[x]));
            let c = if x >= bpp {
                prev.map_or(0, |p| i32::from(p[x - bpp]))
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                _ => return None,
            };
            out[x] = line[x].wrapping_add(predicted as u8);
        }
    }
    // Each sample as 8 bits, each pixel as RGBA.
    let sample = |line: &[u8], i: usize| -> u16 {
        match depth {
            16 => u16::from_be_bytes([line[2 * i], line[2 * i + 1]]),
            8 => u16::from(line[i]),
            _ => {
                let per = 8 / depth;
                let shift = 8 - depth * (i % per + 1);
                u16::from((line[i / per] >> shift) & ((1 << depth) - 1) as u8)
            }
        }
    };
    let scale = |v: u16| -> u8 {
        match depth {
            16 => (v >> 8) as u8,
            8 => v as u8,
            _ => (u32::from(v) * 255 / ((1 << depth) - 1)) as u8,
        }
    };
    let key = |i: usize| alpha.get(i).copied();
    let mut h = blake3::Hasher::new();
    h.update(b"plainsight pixels\0");
    h.update(&(width as u64).to_le_bytes());
    h.update(&(height as u64).to_le_bytes());
    let mut pixel = Vec::with_capacity(width * 4);
    for y in 0..height {
        let line = &rows[y * row..(y + 1) * row];
        pixel.clear();
        for x in 0..width {
            let rgba = match colour {
                3 => {
                    let i = usize::from(sample(line, x));
                    let rgb = palette.get(3 * i..3 * i + 3)?;
                    [rgb[0], rgb[1], rgb[2], key(i).unwrap_or(255)]
                }
                0 | 4 => {
                    let g = sample(line, x * channels);
                    let a = match colour {
                        4 => scale(sample(line, x * 2 + 1)),
                        _ => {
                            let transparent =
                                alpha.len() == 2 && u16::from_be_bytes([alpha[0], alpha[1]]) == g;
                            if transparent { 0 } else { 255 }
                        }
                    };
                    [scale(g), scale(g), scale(g), a]
                }
                _ => {
                    let (r, g, b) = (
                        sample(line, x * channels),
                        sample(line, x * channels + 1),
                        sample(line, x * channels + 2),
                    );
                    let a = match colour {
                        6 => scale(sample(line, x * 4 + 3)),
                        _ => {
                            let keyed = alpha.len() == 6
                                && [r, g, b]
                                    == [0, 2, 4]
                                        .map(|k| u16::from_be_bytes([alpha[k], alpha[k + 1]]));
                            if keyed { 0 } else { 255 }
                        }
                    };
                    [scale(r), scale(g), scale(b), a]
                }
            };
            pixel.extend_from_slice(&rgba);
        }
        h.update(&pixel);
    }
    Some(*h.finalize().as_bytes())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const MARKER: &[u8] = b"Zqxmetadatamarker";

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        // The CRC is carried, not checked, so any value works for these tests.
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    }

    /// A 1x1 PNG with a text chunk, an iTXt, eXIf and tIME, each with a marker.
    pub fn png_with_metadata() -> Vec<u8> {
        let mut b = PNG_SIGNATURE.to_vec();
        b.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        b.extend(png_chunk(
            b"tEXt",
            &[b"Author\0".as_slice(), MARKER].concat(),
        ));
        b.extend(png_chunk(b"gAMA", &[0, 0, 177, 143]));
        b.extend(png_chunk(
            b"iTXt",
            &[b"Comment\0\0\0\0\0".as_slice(), MARKER].concat(),
        ));
        b.extend(png_chunk(b"eXIf", &[b"MM\0*".as_slice(), MARKER].concat()));
        b.extend(png_chunk(b"tIME", &[7, 232, 1, 1, 0, 0, 0]));
        b.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
        b.extend(png_chunk(b"IEND", &[]));
        b.extend_from_slice(MARKER); // trailing bytes after IEND
        b
    }

    /// A PNG of `width` pixels a row, unfiltered `rows`, under IHDR's
    /// `depth` and `colour`, with a palette and transparency if given.
    fn png_of(
        width: u32,
        depth: u8,
        colour: u8,
        rows: &[Vec<u8>],
        plte: &[u8],
        trns: &[u8],
    ) -> Vec<u8> {
        use std::io::Write;
        let raw: Vec<u8> = rows.iter().flat_map(|r| [&[0u8][..], r].concat()).collect();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&(rows.len() as u32).to_be_bytes());
        ihdr.extend_from_slice(&[depth, colour, 0, 0, 0]);
        let mut b = PNG_SIGNATURE.to_vec();
        b.extend(png_chunk(b"IHDR", &ihdr));
        if !plte.is_empty() {
            b.extend(png_chunk(b"PLTE", plte));
        }
        if !trns.is_empty() {
            b.extend(png_chunk(b"tRNS", trns));
        }
        b.extend(png_chunk(b"IDAT", &z.finish().unwrap()));
        b.extend(png_chunk(b"IEND", &[]));
        b
    }

    #[test]
    fn a_pictures_pixels_are_the_same_whatever_its_depth_and_colour_type() {
        // Two by two: black, white; white, black.
        let rgb8 = png_of(
            2,
            8,
            2,
            &[vec![0, 0, 0, 255, 255, 255], vec![255, 255, 255, 0, 0, 0]],
            &[],
            &[],
        );
        let rgb16 = png_of(
            2,
            16,
            2,
            &[
                vec![0, 9, 0, 9, 0, 9, 255, 9, 255, 9, 255, 9],
                vec![255, 0, 255, 0, 255, 0, 0, 0, 0, 0, 0, 0],
            ],
            &[],
            &[],
        );
        let gray8 = png_of(2, 8, 0, &[vec![0, 255], vec![255, 0]], &[], &[]);
        let gray1 = png_of(2, 1, 0, &[vec![0b0100_0000], vec![0b1000_0000]], &[], &[]);
        let palette1 = png_of(
            2,
            1,
            3,
            &[vec![0b0100_0000], vec![0b1000_0000]],
            &[0, 0, 0, 255, 255, 255],
            &[],
        );
        let rgba = png_of(
            2,
            8,
            6,
            &[
                vec![0, 0, 0, 255, 255, 255, 255, 255],
                vec![255, 255, 255, 255, 0, 0, 0, 255],
            ],
            &[],
            &[],
        );
        let digest = pixels_digest(&rgb8).expect("a PNG");
        for (name, png) in [
            ("16-bit", &rgb16),
            ("grey", &gray8),
            ("1-bit grey", &gray1),
            ("palette", &palette1),
            ("RGBA", &rgba),
        ] {
            assert_eq!(pixels_digest(png), Some(digest), "{name}");
        }
        // Transparency is part of what it shows; so is every pixel.
        let keyed = png_of(
            2,
            1,
            3,
            &[vec![0b0100_0000], vec![0b1000_0000]],
            &[0, 0, 0, 255, 255, 255],
            &[0],
        );
        let other = png_of(2, 8, 0, &[vec![0, 255], vec![255, 1]], &[], &[]);
        assert_ne!(pixels_digest(&keyed), Some(digest));
        assert_ne!(pixels_digest(&other), Some(digest));
        // Not a PNG, or one that cannot be decoded: nothing.
        assert_eq!(pixels_digest(b"GIF89a"), None);
        assert_eq!(pixels_digest(&rgb8[..rgb8.len() - 20]), None);
        assert_eq!(pixels_digest(&png_with_metadata()), None);
    }

    fn jpeg_segment(marker: u8, data: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(data);
        s
    }

    /// A structurally complete JPEG with EXIF, XMP, IPTC and a comment.
    pub fn jpeg_with_metadata() -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        b.extend(jpeg_segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        b.extend(jpeg_segment(
            0xE1,
            &[b"Exif\0\0".as_slice(), MARKER].concat(),
        ));
        b.extend(jpeg_segment(
            0xE1,
            &[b"http://ns.adobe.com/xap/1.0/\0".as_slice(), MARKER].concat(),
        ));
        b.extend(jpeg_segment(0xE2, b"ICC_PROFILE\0\x01\x01abc"));
        b.extend(jpeg_segment(
            0xED,
            &[b"Photoshop 3.0\0".as_slice(), MARKER].concat(),
        ));
        b.extend(jpeg_segment(0xFE, MARKER));
        b.extend(jpeg_segment(0xDB, &[0u8; 65]));
        b.extend(jpeg_segment(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
        b.extend(jpeg_segment(
            0xC4,
            &[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ));
        b.extend(jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        // Scan data with a stuffed 0xFF00 and a restart marker.
        b.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        b.extend(jpeg_segment(0xFE, MARKER)); // a comment between scans
        b.extend_from_slice(&[0xFF, 0xD9]);
        b.extend_from_slice(MARKER); // trailing bytes after EOI
        b
    }

    fn webp_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = kind.to_vec();
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    }

    /// An extended WebP with EXIF and XMP chunks and their VP8X flags set.
    pub fn webp_with_metadata() -> Vec<u8> {
        let mut body = b"WEBP".to_vec();
        body.extend(webp_chunk(
            b"VP8X",
            &[VP8X_EXIF | VP8X_XMP | 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ));
        body.extend(webp_chunk(b"ALPH", &[0, 1, 2]));
        body.extend(webp_chunk(b"VP8L", &[0x2f, 0, 0, 0, 0x10, 0x07]));
        body.extend(webp_chunk(b"EXIF", &[b"II*\0".as_slice(), MARKER].concat()));
        body.extend(webp_chunk(
            b"XMP ",
            &[b"<x:xmpmeta>".as_slice(), MARKER].concat(),
        ));
        let mut b = b"RIFF".to_vec();
        b.extend_from_slice(&(body.len() as u32).to_le_bytes());
        b.extend(body);
        b
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn png_text_exif_and_time_are_removed() {
        let dirty = png_with_metadata();
        let clean = strip(ImageKind::Png, &dirty).unwrap();
        assert!(!contains(&clean, MARKER));
        assert!(!contains(&clean, b"tIME") && !contains(&clean, b"tEXt"));
        assert!(clean.starts_with(PNG_SIGNATURE));
        for kept in [b"IHDR", b"gAMA", b"IDAT", b"IEND"] {
            assert!(contains(&clean, kept), "{kept:?} kept");
        }
        assert!(clean.ends_with(&png_chunk(b"IEND", &[])));
        assert_eq!(strip(ImageKind::Png, &clean).unwrap(), clean, "idempotent");
        assert!(has_metadata(ImageKind::Png, &dirty));
        assert!(!has_metadata(ImageKind::Png, &clean));
    }

    #[test]
    fn png_unknown_critical_chunk_and_truncation_are_refused() {
        let mut b = PNG_SIGNATURE.to_vec();
        b.extend(png_chunk(b"IHDR", &[0; 13]));
        b.extend(png_chunk(b"ABCD", &[1]));
        b.extend(png_chunk(b"IEND", &[]));
        assert!(strip(ImageKind::Png, &b).is_err());
        let dirty = png_with_metadata();
        assert!(strip(ImageKind::Png, &dirty[..40]).is_err());
        assert!(strip(ImageKind::Png, b"GIF89a").is_err());
    }

    #[test]
    fn jpeg_app1_app13_and_comments_are_removed() {
        let dirty = jpeg_with_metadata();
        let clean = strip(ImageKind::Jpeg, &dirty).unwrap();
        assert!(!contains(&clean, MARKER));
        assert!(!contains(&clean, b"Exif") && !contains(&clean, b"Photoshop"));
        assert!(
            clean.starts_with(&[0xFF, 0xD8, 0xFF, 0xE0]),
            "JFIF stays first"
        );
        assert!(!contains(&clean, b"ICC_PROFILE"), "colour profile dropped");
        assert!(contains(
            &clean,
            &[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]
        ));
        assert!(clean.ends_with(&[0xFF, 0xD9]));
        assert_eq!(strip(ImageKind::Jpeg, &clean).unwrap(), clean, "idempotent");
    }

    #[test]
    fn jpeg_truncated_is_refused() {
        let dirty = jpeg_with_metadata();
        for cut in [3, 10, dirty.len() - MARKER.len() - 2] {
            assert!(
                strip(ImageKind::Jpeg, &dirty[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn webp_exif_and_xmp_are_removed_and_header_fixed() {
        let dirty = webp_with_metadata();
        let clean = strip(ImageKind::Webp, &dirty).unwrap();
        assert!(!contains(&clean, MARKER));
        assert_eq!(&clean[..4], b"RIFF");
        assert_eq!(&clean[8..12], b"WEBP");
        let size = u32::from_le_bytes([clean[4], clean[5], clean[6], clean[7]]) as usize;
        assert_eq!(size + 8, clean.len(), "RIFF size matches");
        assert_eq!(&clean[12..16], b"VP8X");
        assert_eq!(clean[20], 0x10, "EXIF and XMP flags cleared, alpha kept");
        assert!(contains(&clean, b"ALPH") && contains(&clean, b"VP8L"));
        assert_eq!(strip(ImageKind::Webp, &clean).unwrap(), clean, "idempotent");
    }

    #[test]
    fn webp_bad_sizes_are_refused() {
        let mut dirty = webp_with_metadata();
        dirty[4] = dirty[4].wrapping_add(40);
        assert!(strip(ImageKind::Webp, &dirty).is_err());
        assert!(strip(ImageKind::Webp, b"RIFF\x04\0\0\0WEBP").is_err());
    }

    #[test]
    fn text_bearing_parts_that_were_kept_are_dropped_or_cut() {
        let marked = |prefix: &[u8]| [prefix, MARKER].concat();
        // PNG: an ICC profile (its name is text) and a named palette.
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0]));
        png.extend(png_chunk(b"iCCP", &marked(b"")));
        png.extend(png_chunk(b"sPLT", &marked(b"")));
        png.extend(png_chunk(b"PLTE", &[0, 0, 0]));
        png.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
        png.extend(png_chunk(b"IEND", &[]));
        let clean = strip(ImageKind::Png, &png).unwrap();
        assert!(!contains(&clean, MARKER) && contains(&clean, b"PLTE"));
        // JPEG: an ICC profile, a JFIF thumbnail and a long Adobe segment.
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(jpeg_segment(
            0xE0,
            &marked(b"JFIF\0\x01\x02\0\0\x01\0\x01\x01\x01"),
        ));
        jpeg.extend(jpeg_segment(0xE2, &marked(b"ICC_PROFILE\0\x01\x01")));
        jpeg.extend(jpeg_segment(0xEE, &marked(b"Adobe\0\x64\0\0\0\0\x01")));
        jpeg.extend(jpeg_segment(0xDB, &[0u8; 65]));
        jpeg.extend(jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        jpeg.extend_from_slice(&[0x12, 0xFF, 0xD9]);
        let clean = strip(ImageKind::Jpeg, &jpeg).unwrap();
        assert!(!contains(&clean, MARKER));
        assert!(contains(&clean, b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0"));
        assert!(contains(&clean, b"Adobe\0\x64\0\0\0\0\x01"));
        assert_eq!(strip(ImageKind::Jpeg, &clean).unwrap(), clean, "idempotent");
        // WebP: an ICC profile, and an unknown chunk inside an animation frame.
        let mut frame = vec![0u8; 16];
        frame.extend(webp_chunk(b"VP8L", &[0x2f, 0, 0, 0, 0x10, 0x07]));
        frame.extend(webp_chunk(b"ABCD", &marked(b"")));
        let mut body = b"WEBP".to_vec();
        body.extend(webp_chunk(
            b"VP8X",
            &[VP8X_ICC | 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ));
        body.extend(webp_chunk(b"ICCP", &marked(b"")));
        body.extend(webp_chunk(b"ANIM", &[0; 6]));
        body.extend(webp_chunk(b"ANMF", &frame));
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&(body.len() as u32).to_le_bytes());
        webp.extend(body);
        let clean = strip(ImageKind::Webp, &webp).unwrap();
        assert!(!contains(&clean, MARKER) && contains(&clean, b"VP8L"));
        assert_eq!(clean[20], 0x02, "ICC flag cleared, animation kept");
        assert_eq!(strip(ImageKind::Webp, &clean).unwrap(), clean, "idempotent");
    }

    #[test]
    fn kept_parts_that_are_not_pixels_are_text_for_the_guard() {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0]));
        png.extend(png_chunk(b"PLTE", b"943 476 5919 "));
        png.extend(png_chunk(b"IDAT", b"pixels"));
        png.extend(png_chunk(b"IEND", &[]));
        let text = text_parts(ImageKind::Png, &png).unwrap();
        assert!(contains(&text, b"943 476 5919") && !contains(&text, b"pixels"));
        let jpeg = strip(ImageKind::Jpeg, &jpeg_with_metadata()).unwrap();
        let text = text_parts(ImageKind::Jpeg, &jpeg).unwrap();
        assert!(contains(&text, b"JFIF") && !contains(&text, &[0x12, 0xFF, 0x00, 0x34]));
        let webp = strip(ImageKind::Webp, &webp_with_metadata()).unwrap();
        let text = text_parts(ImageKind::Webp, &webp).unwrap();
        assert_eq!(text.len(), 11, "VP8X only");
        for cut in 0..png.len() {
            let _ = text_parts(ImageKind::Png, &png[..cut]);
            let _ = text_parts(ImageKind::Jpeg, &jpeg[..cut.min(jpeg.len())]);
            let _ = text_parts(ImageKind::Webp, &webp[..cut.min(webp.len())]);
        }
    }

    #[test]
    fn kinds_from_names() {
        assert_eq!(ImageKind::from_name("a.jpeg"), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::from_name("a.webp"), Some(ImageKind::Webp));
        assert_eq!(ImageKind::from_name("a.pdf"), None);
    }
}
