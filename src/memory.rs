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
