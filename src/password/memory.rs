//! Argon2's working memory straight from the OS. The `argon2` crate's own
//! allocation asks for 64-byte-aligned zeroed memory, which the allocator
//! serves with `posix_memalign` and a 64 MiB `memset` on one thread before
//! hashing starts (about 30 ms of a login). Fresh anonymous pages are
//! already zero. For a one-lane hash on a machine with a core to spare, a
//! helper thread faults the pages in ahead of the lane, so the kernel's
//! zeroing runs beside the hash instead of inside it; otherwise the lanes
//! fault them in as they first write.

use crate::error::{Error, Result};
use argon2::Block;
use nix::sys::mman::{MapFlags, MmapAdvise, ProtFlags, madvise, mmap_anonymous, munmap};
use std::num::NonZeroUsize;
use std::ptr::NonNull;
use std::thread::JoinHandle;

/// A private anonymous mapping holding `blocks` Argon2 blocks, unmapped
/// when dropped.
pub(crate) struct ArgonMemory {
    /// The whole mapping, as made: `mapped_len` bytes.
    mapping: NonNull<std::ffi::c_void>,
    mapped_len: usize,
    /// The blocks: `blocks` of them from the first huge-page boundary in
    /// the mapping.
    start: NonNull<Block>,
    blocks: usize,
    /// The thread faulting the pages in, if one was started: joined
    /// before the mapping goes.
    prefault: Option<JoinHandle<()>>,
}

/// The size of a huge page (x86-64 and 4 KiB-page ARM64), which the memory
/// starts on, and how much the helper asks the kernel to fault in at a time
/// (so the lanes, writing from the start, catch up with it at most one
/// chunk early).
const HUGE_PAGE: usize = 2 << 20;

impl ArgonMemory {
    /// Maps memory for `blocks` blocks. With `prefault`, a helper thread
    /// faults it in, first page to last, while the hash runs (see
    /// [`worth_prefaulting`]).
    pub(crate) fn new(blocks: usize, prefault: bool) -> Result<Self> {
        let len = blocks
            .checked_mul(size_of::<Block>())
            .and_then(NonZeroUsize::new)
            .ok_or_else(|| Error::Internal(format!("no memory size for {blocks} blocks")))?;
        let cannot = |e: &dyn std::fmt::Display| {
            let kib = len.get() / 1024;
            Error::Internal(format!("cannot allocate {kib} KiB for hashing: {e}"))
        };
        // One huge page more than needed, so that the blocks can start on a
        // huge-page boundary: otherwise the kernel backs only the huge pages
        // that fit whole inside the mapping (8 of OWASP's minimum 19 MiB,
        // for instance) and the rest takes a fault and a TLB entry per 4 KiB.
        // The pages around the blocks are never touched and cost no memory.
        let mapped_len = len
            .checked_add(HUGE_PAGE)
            .ok_or_else(|| cannot(&"too large"))?;
        let protection = ProtFlags::PROT_READ | ProtFlags::PROT_WRITE;
        // SAFETY: a new private anonymous mapping at an address the kernel
        // chooses: it aliases nothing.
        let mapping =
            unsafe { mmap_anonymous(None, mapped_len, protection, MapFlags::MAP_PRIVATE) }
                .map_err(|e| cannot(&e))?;
        let offset =
            (mapping.as_ptr() as usize).next_multiple_of(HUGE_PAGE) - mapping.as_ptr() as usize;
        // SAFETY: `offset` < HUGE_PAGE, so the blocks lie inside the mapping.
        let start = unsafe { mapping.byte_add(offset) };
        // Huge pages where the system allows them on request: hundreds of
        // faults fewer. Only advice: ignored if refused.
        // SAFETY: advice on part of the mapping just made.
        let _ = unsafe { madvise(start, len.get(), MmapAdvise::MADV_HUGEPAGE) };
        let prefault = prefault
            .then(|| spawn_prefault(start.as_ptr() as usize, len.get()))
            .flatten();
        Ok(ArgonMemory {
            mapping,
            mapped_len: mapped_len.get(),
            start: start.cast(),
            blocks,
            prefault,
        })
    }

    /// The blocks, for one hash.
    pub(crate) fn blocks(&mut self) -> &mut [Block] {
        // SAFETY: `start` is followed by `blocks` blocks inside the
        // mapping, readable and writable, on a huge-page boundary (a block
        // needs 64 bytes), holding plain
        // u64s, for which any bytes (zero at first) are valid; `&mut self`
        // makes this the only reference to it.
        unsafe { std::slice::from_raw_parts_mut(self.start.as_ptr(), self.blocks) }
    }
}

/// Whether a single hash with `lanes` lanes should have its memory faulted
/// in by a helper thread: only with one lane, which writes its memory first
/// page to last, as the helper faults it in (several lanes each start on
/// their own part at once, so the helper would be behind all but the first),
/// and only with a core to spare for the helper. Not for a batch of hashes
/// on every core (an import), which has none.
pub(crate) fn worth_prefaulting(lanes: u32) -> bool {
    lanes == 1 && super::cores() > 1
}

/// Starts a thread that faults in the `len` bytes mapped at `address`,
/// first to last (the order a single lane first writes them), or `None` if no
/// thread could be started. It stops at the first refusal (kernels before
/// 5.14 lack `MADV_POPULATE_WRITE`): the lanes then fault in the rest.
/// The thread never reads or writes the memory: the kernel maps zeroed
/// pages where none are yet and leaves present ones alone, so it cannot
/// change what a lane reads.
fn spawn_prefault(address: usize, len: usize) -> Option<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("argon2-prefault".into())
        .stack_size(16 << 10)
        .spawn(move || {
            for offset in (0..len).step_by(HUGE_PAGE) {
                let Some(chunk) = NonNull::new((address + offset) as *mut std::ffi::c_void) else {
                    return;
                };
                let chunk_len = HUGE_PAGE.min(len - offset);
                // SAFETY: a range inside the mapping, which `ArgonMemory`
                // unmaps only after joining this thread; populating
                // changes no byte anyone can read. (On a machine with
                // several memory nodes the pages land on the helper's node,
                // not necessarily the lane's.)
                if unsafe { madvise(chunk, chunk_len, MmapAdvise::MADV_POPULATE_WRITE) }.is_err() {
                    return;
                }
            }
        })
        .ok()
}

impl Drop for ArgonMemory {
    /// Unmaps the memory. It is not wiped first: unmapped pages go back to
    /// the kernel, which zeroes them before anyone (this process included)
    /// gets them again, and wiping 64 MiB would cost more than the hash's
    /// own allocation did.
    fn drop(&mut self) {
        if let Some(prefault) = self.prefault.take() {
            // It only ever returns; a panic there would be nothing to act on.
            let _ = prefault.join();
        }
        // SAFETY: unmaps exactly the mapping made in `new`; no reference to
        // it outlives `self`.
        let _ = unsafe { munmap(self.mapping, self.mapped_len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{Algorithm, Argon2, Params, Version};

    /// Memory faulted in by the helper (started whatever the machine) and
    /// memory the lane faults in itself both give the reference C CLI's
    /// hash of "correct horse battery staple", salt "saltsaltsaltsalt",
    /// m=19456 t=2 p=1.
    #[test]
    fn memory_faulted_in_by_the_helper_hashes_like_any_other() {
        const REFERENCE: [u8; 32] = [
            0x40, 0xa1, 0xeb, 0x83, 0x9b, 0x5a, 0xc8, 0xb1, 0x9c, 0x37, 0xe6, 0x34, 0x1d, 0x53,
            0xcd, 0x68, 0x1a, 0xb2, 0x90, 0xe5, 0x4b, 0x53, 0x19, 0x4c, 0x91, 0x9c, 0x9c, 0x5c,
            0x4d, 0x6e, 0x59, 0x13,
        ];
        let params = Params::new(19456, 2, 1, Some(32)).unwrap_or_else(|e| panic!("{e}"));
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        for prefault in [true, false] {
            let mut memory = ArgonMemory::new(argon2.params().block_count(), prefault)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(memory.prefault.is_some(), prefault);
            assert_eq!(memory.start.as_ptr() as usize % HUGE_PAGE, 0);
            let mut out = [0u8; 32];
            argon2
                .hash_password_into_with_memory(
                    b"correct horse battery staple",
                    b"saltsaltsaltsalt",
                    &mut out,
                    memory.blocks(),
                )
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(out, REFERENCE, "prefault: {prefault}");
        }
    }
}
