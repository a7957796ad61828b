//! The hot loop does not allocate per event (ARCHITECTURE.md, "Architecture
//! invariants"): one replication of a three-day horizon makes no more heap
//! allocations than one of a single day, although it handles three times
//! the events. A binary of its own, because counting needs a global allocator.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The system allocator, counting every allocation and reallocation.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as it is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by one replication of `sc` into a reused tally, and the conversations offered.
fn allocations(sc: &routesim::Scenario, tally: routesim::stats::Tally) -> (u64, u64, routesim::stats::Tally) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let tally = routesim::engine::run_reusing(sc, 0, tally);
    let made = ALLOCATIONS.load(Ordering::Relaxed) - before;
    (made, tally.total().counts.offered, tally)
}

#[test]
fn the_event_loop_allocates_nothing_per_event() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/support-day.toml");
    let load = |horizon: &str| {
        routesim::scenario::load(&path, &[format!("horizon={horizon}"), "replications=1".to_owned()]).unwrap()
    };
    let (one, three) = (load("1d"), load("3d"));
    // Warm each tally once (its histograms page in, the engine's buffers find their size).
    let (_, _, t1) = allocations(&one, routesim::stats::Tally::new(&one));
    let (_, _, t3) = allocations(&three, routesim::stats::Tally::new(&three));
    let (a1, offered1, _) = allocations(&one, t1);
    let (a3, offered3, _) = allocations(&three, t3);
    assert!(offered3 > 2 * offered1, "the longer run handles more: {offered1} then {offered3} conversations");
    // Setting up a replication allocates (pools, queues, slabs sized by the
    // scenario); buffers that grow by doubling may grow a few times more
    // over a longer run. One allocation per event would add thousands.
    assert!(
        a3 <= a1 + 32,
        "1 day: {a1} allocations for {offered1} conversations; 3 days: {a3} for {offered3}"
    );
}
