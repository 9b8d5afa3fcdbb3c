use std::time::Duration;
#[derive(Clone)] pub struct Fetcher;
pub struct FetchConfig { pub allow_private: bool, pub per_host_spacing: Duration }
impl FetchConfig { pub fn new(_b: &str) -> Self { todo!() } }
#[derive(Debug, thiserror::Error)] #[error("x")] pub struct FetchError;
impl FetchError { pub fn kind(&self) -> &'static str { "" } pub fn status(&self) -> Option<u16> { None } }
impl Fetcher { pub fn new(_c: FetchConfig) -> Result<Fetcher, FetchError> { todo!() }
 pub async fn fetch(&self, _u: &url::Url, _v: &Validators) -> Result<FetchOutcome, FetchError> { todo!() } }
#[derive(Default)] pub struct Validators { pub etag: Option<String>, pub last_modified: Option<String> }
#[allow(clippy::large_enum_variant)] pub enum FetchOutcome { NotModified { status: u16, attempts: u32 }, Fetched(Page) }
pub struct Page { pub final_url: url::Url, pub status: u16, pub content_type: Option<String>, pub headers: Vec<(String, String)>, pub body: Vec<u8>, pub text: String, pub etag: Option<String>, pub last_modified: Option<String>, pub attempts: u32 }
