//! Texts of files and images in chats (issue 19).

use crate::FileKind;

#[derive(Debug)]
pub struct FileTexts {
    /// The attach button (and its label for screen readers).
    pub attach: &'static str,
    /// Shown over the window while a file is dragged onto it.
    pub drop_here: &'static str,
    /// While a file is on its way: "파일 보내는 중: {name}".
    pub sending: &'static str,
    /// Marks a file in the Excel export's transcript ("[파일] 견적서.pdf").
    pub file: &'static str,
    /// A hidden file (가려진 파일).
    pub masked: &'static str,
    pub mask: &'static str,
    pub unmask: &'static str,
    pub unmask_confirm: &'static str,
    /// Opens an image full size.
    pub open: &'static str,
    pub download: &'static str,
    pub close: &'static str,
    /// Refused before or by the server: too large ("… (at most 10 MB)").
    pub too_large: &'static str,
    pub at_most: &'static str,
    /// Refused: a kind the service does not take ("… Allowed: 이미지, PDF").
    pub not_allowed: &'static str,
    pub allowed: &'static str,
    pub broken: &'static str,
    pub empty: &'static str,
    pub files_off: &'static str,
    /// The admin's settings.
    pub settings_title: &'static str,
    pub max_mb_label: &'static str,
    pub kinds_label: &'static str,
    pub image: &'static str,
    pub pdf: &'static str,
    pub office: &'static str,
    pub zip: &'static str,
}

impl FileTexts {
    /// The name of a kind of file.
    pub fn kind(&self, k: FileKind) -> &'static str {
        match k {
            FileKind::Image => self.image,
            FileKind::Pdf => self.pdf,
            FileKind::Office => self.office,
            FileKind::Zip => self.zip,
        }
    }
}

pub static KO: FileTexts = FileTexts {
    attach: "파일 첨부",
    drop_here: "여기에 파일을 놓으면 보냅니다",
    sending: "파일 보내는 중",
    file: "파일",
    masked: "가려진 파일",
    mask: "파일 가리기",
    unmask: "파일 되돌리기",
    unmask_confirm: "가려진 파일을 되돌릴까요? 이 작업은 감사 기록에 남습니다.",
    open: "원본 크기로 보기",
    download: "다운로드",
    close: "닫기",
    too_large: "파일이 너무 큽니다",
    at_most: "최대",
    not_allowed: "보낼 수 없는 종류의 파일입니다.",
    allowed: "보낼 수 있는 파일",
    broken: "이미지를 읽을 수 없습니다. 손상되었거나 이미지가 아닌 파일입니다.",
    empty: "빈 파일은 보낼 수 없습니다.",
    files_off: "이 서비스에서는 파일을 보낼 수 없습니다.",
    settings_title: "파일 및 이미지",
    max_mb_label: "최대 파일 크기 (MB, 1–50)",
    kinds_label: "받는 파일 종류",
    image: "이미지",
    pdf: "PDF",
    office: "오피스 문서",
    zip: "ZIP",
};

pub static EN: FileTexts = FileTexts {
    attach: "Attach a file",
    drop_here: "Drop the file here to send it",
    sending: "Sending file",
    file: "File",
    masked: "Hidden file",
    mask: "Hide file",
    unmask: "Restore file",
    unmask_confirm: "Restore the hidden file? This is recorded in the audit log.",
    open: "Open full size",
    download: "Download",
    close: "Close",
    too_large: "The file is too large",
    at_most: "at most",
    not_allowed: "This kind of file cannot be sent.",
    allowed: "Allowed",
    broken: "This image cannot be read: it is damaged or not really an image.",
    empty: "An empty file cannot be sent.",
    files_off: "This service does not take files.",
    settings_title: "Files and images",
    max_mb_label: "Largest file (MB, 1–50)",
    kinds_label: "Kinds of file accepted",
    image: "Images",
    pdf: "PDF",
    office: "Office documents",
    zip: "ZIP",
};
