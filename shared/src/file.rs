//! Files and images in a chat (issue 19): what a message's attachment looks like on the
//! wire, the per-service rules (largest size, allowed kinds) and the pure rules the
//! server applies to an upload — the kind of a sniffed content type and the name a file
//! is stored and downloaded under.

use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, invalid};

/// The attachment a message carries. The file's name is the message's `text` (so
/// search, transcripts and the Excel export show it, and masking hides it like any
/// text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Id of the file: `GET /api/v1/files/{id}` (and `…/thumbnail` for images).
    pub id: String,
    /// The content type found by sniffing the bytes (never the sender's claim).
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    pub kind: FileKind,
    /// Pixel size of an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<i64>,
    /// A server-made thumbnail exists (images).
    #[serde(default)]
    pub thumbnail: bool,
    /// Hidden by an agent (가려진 파일): kept only encrypted, not downloadable.
    #[serde(default)]
    pub masked: bool,
}

impl Attachment {
    pub fn is_image(&self) -> bool {
        self.kind == FileKind::Image
    }
}

/// The kinds of file a service may allow (`Settings.files.types`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// PNG, JPEG, GIF, WebP (never SVG: it is a document that runs script).
    Image,
    Pdf,
    /// Word, Excel, PowerPoint (OOXML and the older binary formats), OpenDocument.
    Office,
    Zip,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [
        FileKind::Image,
        FileKind::Pdf,
        FileKind::Office,
        FileKind::Zip,
    ];

    /// The few letters on a file card's icon.
    pub fn badge(self) -> &'static str {
        match self {
            FileKind::Image => "IMG",
            FileKind::Pdf => "PDF",
            FileKind::Office => "DOC",
            FileKind::Zip => "ZIP",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Image => "image",
            FileKind::Pdf => "pdf",
            FileKind::Office => "office",
            FileKind::Zip => "zip",
        }
    }

    /// The kind of a sniffed content type; `None` for anything we never accept.
    pub fn of_mime(mime: &str) -> Option<FileKind> {
        match mime {
            "image/png" | "image/jpeg" | "image/gif" | "image/webp" => Some(FileKind::Image),
            "application/pdf" => Some(FileKind::Pdf),
            "application/zip" => Some(FileKind::Zip),
            m if OFFICE.iter().any(|(t, _)| *t == m) => Some(FileKind::Office),
            _ => None,
        }
    }
}

/// The office content types we accept, with their usual extension.
pub const OFFICE: [(&str, &str); 9] = [
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("application/msword", "doc"),
    ("application/vnd.ms-excel", "xls"),
    ("application/vnd.ms-powerpoint", "ppt"),
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("application/vnd.oasis.opendocument.presentation", "odp"),
];

/// The usual extension of an accepted content type.
pub fn extension_of(mime: &str) -> Option<&'static str> {
    match mime {
        "image/png" => Some("png"),
        "image/jpeg" => Some("jpg"),
        "image/gif" => Some("gif"),
        "image/webp" => Some("webp"),
        "application/pdf" => Some("pdf"),
        "application/zip" => Some("zip"),
        m => OFFICE.iter().find(|(t, _)| *t == m).map(|(_, e)| *e),
    }
}

/// What a picked file probably is, from the browser's type hint or its name — only
/// for refusing early in the window; the server decides by the bytes.
pub fn guess_kind(mime_hint: &str, name: &str) -> Option<FileKind> {
    if let Some(k) = FileKind::of_mime(mime_hint) {
        return Some(k);
    }
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" => Some(FileKind::Image),
        "pdf" => Some(FileKind::Pdf),
        "zip" => Some(FileKind::Zip),
        e if OFFICE.iter().any(|(_, x)| *x == e) => Some(FileKind::Office),
        _ => None,
    }
}

/// The `accept` list of a file input for the kinds a service takes.
pub fn accept_list(rules: &FileRules) -> String {
    let mut out: Vec<&str> = Vec::new();
    for k in &rules.types {
        match k {
            FileKind::Image => out.extend(["image/png", "image/jpeg", "image/gif", "image/webp"]),
            FileKind::Pdf => out.push(".pdf"),
            FileKind::Zip => out.push(".zip"),
            FileKind::Office => out.extend([
                ".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt", ".odt", ".ods", ".odp",
            ]),
        }
    }
    out.join(",")
}

/// Largest file a service may allow, in MB.
pub const MAX_FILE_MB: i64 = 50;
/// Longest file name kept (characters, with the extension).
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// A service's file rules (issue 19): largest file and the kinds allowed. No kinds
/// allowed turns attachments off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileRules {
    /// 1–50 MB (default 10).
    pub max_mb: i64,
    /// Default: every kind.
    pub types: Vec<FileKind>,
}

impl Default for FileRules {
    fn default() -> FileRules {
        FileRules {
            max_mb: 10,
            types: FileKind::ALL.to_vec(),
        }
    }
}

impl FileRules {
    pub fn validate(&self) -> Result<(), Invalid> {
        if !(1..=MAX_FILE_MB).contains(&self.max_mb) {
            return Err(invalid("files.max_mb", "must be 1 to 50 MB"));
        }
        Ok(())
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_mb.clamp(1, MAX_FILE_MB) as u64 * 1024 * 1024
    }

    pub fn allows(&self, kind: FileKind) -> bool {
        self.types.contains(&kind)
    }

    /// The kinds as stored (sorted, no repeats).
    pub fn normalized(mut self) -> FileRules {
        self.types.sort();
        self.types.dedup();
        self
    }
}

/// The name a file is kept under: the sender's name without any path, control or
/// quoting characters, at most [`MAX_FILE_NAME_CHARS`], with the extension of what the
/// content really is added when the name claims another (`report.html` holding a PNG
/// becomes `report.html.png`), so nobody downloads a file that opens as something else.
pub fn safe_file_name(sent: &str, mime: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_format_char(*c)
                && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_owned();
    let ext = extension_of(mime).unwrap_or("bin");
    if name.is_empty() {
        name = "file".to_owned();
    }
    let has = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .is_some_and(|e| e == ext || (ext == "jpg" && e == "jpeg"));
    let suffix = if has {
        String::new()
    } else {
        format!(".{ext}")
    };
    let keep = MAX_FILE_NAME_CHARS - suffix.chars().count();
    if name.chars().count() > keep {
        // keep the end (the extension) when the name claimed the right one
        name = if has {
            let n = name.chars().count();
            name.chars().skip(n - keep).collect()
        } else {
            name.chars().take(keep).collect()
        };
    }
    name + &suffix
}

/// Whether `c` is a Unicode format character (general category `Cf`, Unicode 16):
/// bidirectional overrides and isolates (`invoice\u{202E}fdp.png` shows as
/// `invoicegnp.pdf`), zero-width characters, the BOM, tags. Written out by hand because
/// it is 21 ranges, and a general-category table crate would carry every category's
/// tables into the customers' wasm for this one question (issue 30).
pub fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// A size for people: `512 B`, `12.3 KB`, `4.0 MB`. Integer arithmetic, rounded to
/// the nearest tenth: float formatting would put `core`'s float printer (~11 KB of
/// wasm) into the customers' bundle for this one use.
pub fn human_size(bytes: i64) -> String {
    let b = bytes.max(0);
    let (unit, div) = match b {
        b if b < 1024 => return format!("{b} B"),
        b if b < 1024 * 1024 => ("KB", 1024),
        _ => ("MB", 1024 * 1024),
    };
    let tenths = (b * 10 + div / 2) / div;
    format!("{}.{} {unit}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_sniffed_types() {
        assert_eq!(FileKind::of_mime("image/png"), Some(FileKind::Image));
        assert_eq!(FileKind::of_mime("image/svg+xml"), None);
        assert_eq!(FileKind::of_mime("text/html"), None);
        assert_eq!(FileKind::of_mime("application/pdf"), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::of_mime("application/vnd.ms-excel"),
            Some(FileKind::Office)
        );
        assert_eq!(FileKind::of_mime("application/zip"), Some(FileKind::Zip));
    }

    #[test]
    fn rules_bound_the_size_and_list_the_kinds() {
        let d = FileRules::default();
        assert_eq!(d.max_bytes(), 10 * 1024 * 1024);
        assert!(FileKind::ALL.iter().all(|k| d.allows(*k)));
        for bad in [0, 51, -1] {
            let e = FileRules {
                max_mb: bad,
                types: vec![],
            }
            .validate()
            .unwrap_err();
            assert_eq!(e.field, "files.max_mb");
        }
        let r = FileRules {
            max_mb: 5,
            types: vec![FileKind::Zip, FileKind::Image, FileKind::Zip],
        }
        .normalized();
        assert_eq!(r.types, vec![FileKind::Image, FileKind::Zip]);
        assert!(!r.allows(FileKind::Pdf));
    }

    #[test]
    fn names_lose_paths_and_get_the_real_extension() {
        assert_eq!(safe_file_name("shot.png", "image/png"), "shot.png");
        assert_eq!(safe_file_name("사진.JPEG", "image/jpeg"), "사진.JPEG");
        assert_eq!(
            safe_file_name("../../etc/passwd", "application/pdf"),
            "passwd.pdf"
        );
        assert_eq!(
            safe_file_name("C:\\x\\evil.html", "image/png"),
            "evil.html.png"
        );
        assert_eq!(
            safe_file_name("a\"b\r\n<c>.pdf", "application/pdf"),
            "abc.pdf"
        );
        assert_eq!(safe_file_name("", "application/zip"), "file.zip");
        assert_eq!(
            safe_file_name(".htaccess", "application/zip"),
            "htaccess.zip"
        );
        let long = format!("{}.pdf", "가".repeat(500));
        let kept = safe_file_name(&long, "application/pdf");
        assert_eq!(kept.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(kept.ends_with(".pdf"));
        let long = "x".repeat(500);
        let kept = safe_file_name(&long, "image/gif");
        assert_eq!(kept.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(kept.ends_with(".gif"));
    }

    #[test]
    fn the_window_guesses_kinds_to_refuse_early() {
        assert_eq!(guess_kind("image/png", "x"), Some(FileKind::Image));
        assert_eq!(guess_kind("", "보고서.PDF"), Some(FileKind::Pdf));
        assert_eq!(guess_kind("", "표.xlsx"), Some(FileKind::Office));
        assert_eq!(guess_kind("text/plain", "notes.txt"), None);
        assert_eq!(guess_kind("", "noext"), None);
        let r = FileRules {
            max_mb: 10,
            types: vec![FileKind::Image, FileKind::Pdf],
        };
        assert_eq!(
            accept_list(&r),
            "image/png,image/jpeg,image/gif,image/webp,.pdf"
        );
    }

    /// Issue 30: format characters (bidi overrides, zero-width) are dropped, so a name
    /// cannot display as something it is not.
    #[test]
    fn format_characters_are_dropped_from_names() {
        assert_eq!(
            safe_file_name("invoice\u{202E}fdp.png", "image/png"),
            "invoicefdp.png"
        );
        assert_eq!(
            safe_file_name("\u{2066}a\u{200B}b\u{FEFF}.pdf\u{2069}", "application/pdf"),
            "ab.pdf"
        );
        assert!(is_format_char('\u{E0041}') && !is_format_char('가') && !is_format_char('a'));
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(2048), "2.0 KB");
        assert_eq!(human_size(10 * 1024 * 1024), "10.0 MB");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(1023 * 1024 + 1000), "1024.0 KB");
        assert_eq!(human_size(-5), "0 B");
    }
}
