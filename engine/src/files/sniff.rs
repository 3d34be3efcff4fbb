//! What an upload really is, from its first bytes (issue 19): the sender's file name
//! and `Content-Type` are never trusted. The `infer` crate reads the magic numbers
//! (and, for Office files, the entries of the zip or compound file).

use shared::FileKind;

/// How many leading bytes the sniffing looks at (Office files are told apart from a
/// plain zip by the entries near its start).
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// The content type of an upload from its first bytes, when it is a kind we accept at
/// all. A zip whose first entries do not say which Office format it is (some writers
/// put `[Content_Types].xml` late) counts as the Office type its name claims — the
/// bytes are a zip either way, and it is served as a download.
pub(crate) fn sniff(head: &[u8], name: &str) -> Option<&'static str> {
    let found = infer::get(head)?.mime_type();
    if found == "application/zip" {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if let Some((mime, _)) = shared::file::OFFICE.iter().find(|(_, e)| *e == ext) {
            return Some(mime);
        }
    }
    FileKind::of_mime(found).map(|_| found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    const ZIP: &[u8] = b"PK\x03\x04\x14\0\0\0\x08\0";

    #[test]
    fn the_bytes_decide_not_the_name() {
        assert_eq!(sniff(PNG, "report.pdf"), Some("image/png"));
        assert_eq!(sniff(PDF, "photo.png"), Some("application/pdf"));
        assert_eq!(sniff(b"<html><script>alert(1)</script>", "a.png"), None);
        assert_eq!(
            sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "a.svg"),
            None
        );
        assert_eq!(
            sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff", "setup.pdf"),
            None
        );
        assert_eq!(sniff(b"", "a.png"), None);
        assert_eq!(sniff(b"plain text", "a.txt"), None);
    }

    #[test]
    fn a_zip_is_a_zip_unless_its_name_says_which_office_file() {
        assert_eq!(sniff(ZIP, "files.zip"), Some("application/zip"));
        assert_eq!(sniff(ZIP, "x.exe"), Some("application/zip"));
        assert_eq!(
            sniff(ZIP, "매출.XLSX"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        // an Office name on bytes that are no zip counts for nothing
        assert_eq!(sniff(b"hello", "a.docx"), None);
    }
}
