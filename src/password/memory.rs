//! Argon2's working memory straight from the OS. The `argon2` crate's own
//! allocation asks for 64-byte-aligned zeroed memory, which the allocator
//! serves with `posix_memalign` and a 64 MiB `memset` on one thread before
//! hashing starts (about 30 ms of a login). Fresh anonymous pages are
//! already zero, and the hash's lanes fault them in as they first write.

use crate::error::{Error, Result};
use argon2::Block;
use nix::sys::mman::{MapFlags, MmapAdvise, ProtFlags, madvise, mmap_anonymous, munmap};
use std::num::NonZeroUsize;
use std::ptr::NonNull;

/// A private anonymous mapping holding `blocks` Argon2 blocks, unmapped
/// when dropped.
pub(crate) struct ArgonMemory {
    start: NonNull<Block>,
    blocks: usize,
}

impl ArgonMemory {
    /// Maps memory for `blocks` blocks.
    pub(crate) fn new(blocks: usize) -> Result<Self> {
        let len = blocks
            .checked_mul(size_of::<Block>())
            .and_then(NonZeroUsize::new)
            .ok_or_else(|| Error::Internal(format!("no memory size for {blocks} blocks")))?;
        let protection = ProtFlags::PROT_READ | ProtFlags::PROT_WRITE;
        // SAFETY: a new private anonymous mapping at an address the kernel
        // chooses: it aliases nothing.
        let start = unsafe { mmap_anonymous(None, len, protection, MapFlags::MAP_PRIVATE) }
            .map_err(|e| {
                let kib = len.get() / 1024;
                Error::Internal(format!("cannot allocate {kib} KiB for hashing: {e}"))
            })?;
        // Huge pages where the system allows them on request: a few hundred
        // faults fewer. Only advice: ignored if refused.
        // SAFETY: advice on the whole of the mapping just made.
        let _ = unsafe { madvise(start, len.get(), MmapAdvise::MADV_HUGEPAGE) };
        Ok(ArgonMemory {
            start: start.cast(),
            blocks,
        })
    }

    /// The blocks, for one hash.
    pub(crate) fn blocks(&mut self) -> &mut [Block] {
        // SAFETY: the mapping is `blocks` blocks long, readable and
        // writable, page-aligned (a block needs 64 bytes), and holds plain
        // u64s, for which any bytes (zero at first) are valid; `&mut self`
        // makes this the only reference to it.
        unsafe { std::slice::from_raw_parts_mut(self.start.as_ptr(), self.blocks) }
    }
}

impl Drop for ArgonMemory {
    /// Unmaps the memory. It is not wiped first: unmapped pages go back to
    /// the kernel, which zeroes them before anyone (this process included)
    /// gets them again, and wiping 64 MiB would cost more than the hash's
    /// own allocation did.
    fn drop(&mut self) {
        let len = self.blocks * size_of::<Block>();
        // SAFETY: unmaps exactly the mapping made in `new`; no reference to
        // it outlives `self`.
        let _ = unsafe { munmap(self.start.cast(), len) };
    }
}
