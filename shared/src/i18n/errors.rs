//! What a person reads for each error code (issue 32), in both languages. The matches
//! are exhaustive over [`ErrorCode`], so the compiler keeps every code worded.

use crate::ErrorCode;

/// Every error code in Korean (exhaustive: a new code does not compile without its words).
pub fn ko(code: ErrorCode) -> &'static str {
    use ErrorCode as E;
    match code {
        E::InvalidDomain => {
            "사이트 주소 형식이 올바르지 않습니다(예: shop.example.com, *.example.com)."
        }
        E::TextTooLong => "글이 너무 깁니다.",
        E::AccountDeactivated => "비활성화된 계정입니다. 관리자에게 문의해 주세요.",
        E::AdminOnly => "관리자만 할 수 있습니다.",
        E::AgentInactive => "비활성화된 상담원입니다.",
        E::AgentUnavailable => "그 상담원은 지금 상담할 수 없습니다(온라인이 아님).",
        E::AgentsAbsent => "지금은 상담 가능한 상담원이 없습니다.",
        E::BadRequest => "요청을 읽을 수 없습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
        E::BadResponse => "서버의 응답을 읽을 수 없습니다. 페이지를 새로 고쳐 주세요.",
        E::BodyTooLarge => "내용이 너무 깁니다.",
        E::BrokenImage => "이미지를 읽을 수 없습니다. 손상되었거나 이미지가 아닌 파일입니다.",
        E::BrowserOnly => "브라우저에서만 할 수 있습니다.",
        E::Busy => "서버가 바쁩니다. 잠시 후 다시 시도해 주세요.",
        E::CategoryTooDeep => "상담유형은 3단계까지 만들 수 있습니다.",
        E::ChatClosed => "종료된 상담에는 메시지를 보낼 수 없습니다.",
        E::ChatNotActive => "진행 중인 상담이 아닙니다.",
        E::ClientIdTaken => "같은 메시지 번호가 다른 내용으로 이미 쓰였습니다. 다시 보내 주세요.",
        E::ConsentRequired => "개인정보 수집·이용에 동의해야 상담할 수 있습니다.",
        E::ContractChatOff => "계약에 채팅이 없어 헬프센터 채팅을 켤 수 없습니다.",
        E::CustomersOnly => "고객만 할 수 있습니다.",
        E::DomainNotAllowed => "이 사이트에서는 채팅을 열 수 없습니다.",
        E::DuplicateLocale => "같은 언어가 두 번 들어 있습니다.",
        E::EmailTaken => "이미 사용 중인 이메일입니다.",
        E::EmptyFile => "빈 파일은 보낼 수 없습니다.",
        E::ExportFailed => "내보내기에 실패했습니다. 다시 시도해 주세요.",
        E::ExportRunning => "진행 중인 내보내기가 끝난 뒤 다시 시도해 주세요.",
        E::FileMasked => "가려진 파일입니다.",
        E::FileTooLarge => "파일이 너무 큽니다.",
        E::FileTypeNotAllowed => "보낼 수 없는 종류의 파일입니다.",
        E::FilesOff => "이 서비스에서는 파일을 보낼 수 없습니다.",
        E::ForeignOrigin => "다른 사이트에서 보낸 요청은 받을 수 없습니다.",
        E::Http => "서버가 응답하지 않습니다. 잠시 후 다시 시도해 주세요.",
        E::IdentityInvalid => "사용자 확인에 실패했습니다. 페이지를 새로 고쳐 주세요.",
        E::IdentityRequired => "로그인한 사용자만 상담할 수 있습니다.",
        E::ImportHasErrors => {
            "오류가 있는 행이 있어 아무것도 가져오지 않았습니다. 미리 보기를 확인해 주세요."
        }
        E::Internal => "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
        E::InvalidCredentials => "이메일 또는 비밀번호가 올바르지 않습니다.",
        E::InvalidFields => "입력한 내용의 형식이 맞지 않습니다.",
        E::InvalidFrame => "알 수 없는 실시간 메시지입니다.",
        E::InvalidInput => "입력한 내용을 확인해 주세요.",
        E::InvalidJson => "요청의 형식(JSON)이 올바르지 않습니다.",
        E::InvalidQuery => "주소의 검색 조건을 읽을 수 없습니다.",
        E::JsonRequired => "JSON 형식으로 보내야 합니다.",
        E::LastAdmin => "마지막 관리자는 바꾸거나 비활성화할 수 없습니다.",
        E::MethodNotAllowed => "이 주소에서는 할 수 없는 요청입니다.",
        E::Network => "서버에 연결할 수 없습니다. 연결을 확인한 뒤 다시 시도해 주세요.",
        E::NoChatPermission => "채팅 상담 권한이 없습니다.",
        E::NoLocale => "헬프센터에는 언어가 하나 이상 있어야 합니다.",
        E::NoSuchEndpoint => "없는 API 주소입니다.",
        E::NotAssigned => "다른 상담원에게 배정된 상담입니다.",
        E::NotFound => "찾을 수 없습니다. 이미 삭제되었거나 볼 수 없는 항목입니다.",
        E::OutsideHours => "지금은 상담 시간이 아닙니다.",
        E::PublicUrlRequired => {
            "서버의 공개 주소를 알 수 없습니다. 운영자가 --public-url을 설정해야 합니다."
        }
        E::RatingClosed => "만족도 평가 기간이 지났습니다.",
        E::RequestFailed => "요청을 처리하지 못했습니다. 다시 시도해 주세요.",
        E::RetentionOff => "보관 기간이 꺼져 있습니다. 먼저 기간을 저장해 주세요.",
        E::SameAgent => "이미 그 상담원이 맡은 상담입니다.",
        E::SecurityServiceOff => "보안 서비스 계약이 없어 마스킹을 쓸 수 없습니다.",
        E::Serialize => "보낼 내용을 만들지 못했습니다.",
        E::SlugTaken => "이미 사용 중인 주소입니다.",
        E::StorageUnavailable => {
            "서버가 지금 저장할 수 없습니다. 잠시 후 자동으로 다시 시도합니다."
        }
        E::TextFramesOnly => "실시간 연결에는 텍스트만 보낼 수 있습니다.",
        E::Timeout => "서버가 제때 응답하지 않았습니다. 다시 시도합니다.",
        E::TooManyAttempts => "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
        E::TooManyCannedReplies => "상용구가 너무 많습니다. 쓰지 않는 것을 지워 주세요.",
        E::TooManyChats => "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
        E::TooManyInquiries => "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
        E::TooManyMessages => "메시지를 너무 빨리 보내고 있습니다. 잠시 후 다시 보내 주세요.",
        E::TooManyOpenChats => {
            "이미 진행 중인 상담이 있습니다. 진행 중인 상담 창에서 계속해 주세요."
        }
        E::TooManySockets => "연결이 너무 많습니다. 다른 탭을 닫아 주세요.",
        E::TooManyUploads => "파일을 동시에 너무 많이 보내고 있습니다. 잠시 후 다시 보내 주세요.",
        E::TooManyWebhooks => "웹훅은 서비스마다 20개까지 등록할 수 있습니다.",
        E::TwoFactorInvalid => "코드가 맞지 않거나 이미 사용되었습니다. 새 코드를 입력해 주세요.",
        E::TwoFactorNotStarted => "먼저 설정을 시작해 QR 코드를 받아 주세요.",
        E::TwoFactorRequired => "인증 앱의 6자리 코드(또는 복구 코드)를 입력해 주세요.",
        E::TwoFactorSetupRequired => {
            "이 서비스는 2단계 인증을 요구합니다. 먼저 2단계 인증을 설정해 주세요."
        }
        E::Unauthenticated => "로그인이 필요합니다. 다시 로그인해 주세요.",
        E::UnsupportedLocale => "지원하지 않는 언어입니다(한국어, English).",
        E::UploadBroken => "파일 전송이 중간에 끊겼습니다. 다시 보내 주세요.",
        E::UploadStalled => {
            "파일 전송이 너무 느려 중단되었습니다. 연결을 확인한 뒤 다시 보내 주세요."
        }
        E::WebhookAddressRefused => {
            "이 주소로는 보낼 수 없습니다. 인터넷에 공개된 주소만 등록할 수 있습니다(이 서버·내부망 주소는 운영자가 허용해야 합니다). 주소가 맞는지도 확인해 주세요."
        }
        E::WebsocketRequired => "실시간 연결(WebSocket)이 필요합니다.",
    }
}

/// Every error code in English (exhaustive: a new code does not compile without its words).
pub fn en(code: ErrorCode) -> &'static str {
    use ErrorCode as E;
    match code {
        E::InvalidDomain => "A site address is not valid (e.g. shop.example.com, *.example.com).",
        E::TextTooLong => "The text is too long.",
        E::AccountDeactivated => "This account is deactivated. Please ask your admin.",
        E::AdminOnly => "Only admins can do this.",
        E::AgentInactive => "This agent is deactivated.",
        E::AgentUnavailable => "That agent cannot take chats now (not online).",
        E::AgentsAbsent => "No agent is available right now.",
        E::BadRequest => "The request could not be read. Reload the page and try again.",
        E::BadResponse => "The server's answer could not be read. Please reload the page.",
        E::BodyTooLarge => "That is too long.",
        E::BrokenImage => "This image cannot be read: it is damaged or not really an image.",
        E::BrowserOnly => "This works in the browser only.",
        E::Busy => "The server is busy. Please try again in a moment.",
        E::CategoryTooDeep => "Handling types go three levels deep at most.",
        E::ChatClosed => "This chat has ended; no more messages can be sent.",
        E::ChatNotActive => "This chat is not in progress.",
        E::ClientIdTaken => {
            "That message id was already used for another text. Please send it again."
        }
        E::ConsentRequired => "Chat needs your consent to the privacy notice.",
        E::ContractChatOff => "Help-center chat needs chat in the contract.",
        E::CustomersOnly => "Only the customer can do this.",
        E::DomainNotAllowed => "Chat cannot be opened on this site.",
        E::DuplicateLocale => "A language is listed twice.",
        E::EmailTaken => "This email is already in use.",
        E::EmptyFile => "An empty file cannot be sent.",
        E::ExportFailed => "The export failed. Please try again.",
        E::ExportRunning => "Please wait for your running export to finish.",
        E::FileMasked => "This file is hidden.",
        E::FileTooLarge => "The file is too large.",
        E::FileTypeNotAllowed => "This kind of file cannot be sent.",
        E::FilesOff => "Files cannot be sent in this service.",
        E::ForeignOrigin => "Requests from another site are refused.",
        E::Http => "The server did not answer. Please try again shortly.",
        E::IdentityInvalid => "Your sign-in could not be checked. Please reload the page.",
        E::IdentityRequired => "Only signed-in users can chat here.",
        E::ImportHasErrors => "Some rows have errors, so nothing was imported. Check the preview.",
        E::Internal => "Something went wrong on our side. Please try again.",
        E::InvalidCredentials => "The email or password is not correct.",
        E::InvalidFields => "Some fields are not in the expected form.",
        E::InvalidFrame => "Unknown real-time frame.",
        E::InvalidInput => "Please check what you entered.",
        E::InvalidJson => "The request is not valid JSON.",
        E::InvalidQuery => "The query string could not be read.",
        E::JsonRequired => "Send the request as JSON.",
        E::LastAdmin => "The last admin cannot be changed or deactivated.",
        E::MethodNotAllowed => "This address does not take that request.",
        E::Network => "Cannot reach the server. Check your connection and try again.",
        E::NoChatPermission => "You do not have chat permission.",
        E::NoLocale => "The help center needs at least one language.",
        E::NoSuchEndpoint => "No such API address.",
        E::NotAssigned => "This chat is assigned to another agent.",
        E::NotFound => "Not found. It was removed or is not yours to see.",
        E::OutsideHours => "We are outside our chat hours now.",
        E::PublicUrlRequired => {
            "The server's public address is unknown: the operator must set --public-url."
        }
        E::RatingClosed => "The time to rate this chat has passed.",
        E::RequestFailed => "The request failed. Please try again.",
        E::RetentionOff => "Retention is off. Save a period first.",
        E::SameAgent => "The chat is already with that agent.",
        E::SecurityServiceOff => "Masking needs the security service.",
        E::Serialize => "The request could not be built.",
        E::SlugTaken => "This address is already in use.",
        E::StorageUnavailable => {
            "The server cannot store anything right now. It will be tried again shortly."
        }
        E::TextFramesOnly => "Only text frames are accepted on the socket.",
        E::Timeout => "The server did not answer in time. Trying again.",
        E::TooManyAttempts => "Too many sign-in attempts. Please wait a moment.",
        E::TooManyCannedReplies => "Too many canned replies: delete some you do not use.",
        E::TooManyChats => "Too many requests. Please try again shortly.",
        E::TooManyInquiries => "Too many requests. Please try again shortly.",
        E::TooManyMessages => "Messages are coming too fast. They will be sent shortly.",
        E::TooManyOpenChats => "You already have a chat in progress. Please continue there.",
        E::TooManySockets => "Too many connections: please close other tabs.",
        E::TooManyUploads => "Too many files at once. Please send again shortly.",
        E::TooManyWebhooks => "A service can have at most 20 webhooks.",
        E::TwoFactorInvalid => "The code is not right or was used already. Enter a new one.",
        E::TwoFactorNotStarted => "Start the set-up first to get a QR code.",
        E::TwoFactorRequired => {
            "Enter the 6-digit code from your authenticator app (or a recovery code)."
        }
        E::TwoFactorSetupRequired => "This service requires two-factor login. Set it up first.",
        E::Unauthenticated => "Please sign in again.",
        E::UnsupportedLocale => "That language is not supported (Korean, English).",
        E::UploadBroken => "The upload broke off. Please send the file again.",
        E::UploadStalled => {
            "The upload was too slow and was stopped. Check the connection and send it again."
        }
        E::WebhookAddressRefused => {
            "Cannot send to this address. Only addresses on the public internet may be used (this server's or internal addresses need the operator's permission). Check that the address is right."
        }
        E::WebsocketRequired => "A WebSocket connection is required.",
    }
}
