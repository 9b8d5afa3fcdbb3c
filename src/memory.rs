//! Handing freed memory back to the operating system.

/// Asks the allocator to return the memory freed so far. glibc keeps freed memory for reuse, so a
/// server that dropped the ~50 MB classifier after a burst of captures would otherwise go on
/// showing it in its resident size until the process ends. A no-op with other C libraries.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only releases free heap pages; it takes no pointers and glibc
        // makes it safe to call from any thread at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}

static REQUESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Counts a web request, so [`trim_when_idle`] knows the web process is busy.
pub fn request_seen() {
    REQUESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// How often the web process looks whether it has been idle.
const IDLE_CHECK: std::time::Duration = std::time::Duration::from_secs(30);

/// Gives memory back once the web process has served no request for `IDLE_CHECK`: fresh renders
/// under load leave 80–120 MB of freed heap that glibc would otherwise keep. Once per idle spell.
pub async fn trim_when_idle(mut shutdown: crate::jobs::Shutdown) {
    let (mut last, mut trimmed) = (u64::MAX, false);
    while !shutdown.is_requested() {
        shutdown.pause(IDLE_CHECK).await;
        let now = REQUESTS.load(std::sync::atomic::Ordering::Relaxed);
        if now != last {
            (last, trimmed) = (now, false);
        } else if !trimmed {
            return_freed_memory();
            trimmed = true;
        }
    }
}
