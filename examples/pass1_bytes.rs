//! What pass 1 keeps of each decision, in heap bytes, part by part (issue
//! 19: memory per decision): the listing, the withholding report, the
//! fingerprints, the language part, the guard's source facts, the refs
//! checked once every number is known, and the folder's file list; then
//! what the site-wide model, report and fingerprints weigh once every
//! decision is merged. Measured with a counting allocator, on the first N
//! folders of a site (all by default), one folder at a time.
//!
//! cargo run --release --example pass1_bytes -- <site-root> [N]

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use plainsight::diagnostics::Diagnostics;
use plainsight::{folder, markdown, site, source, visibility};

/// The system allocator, counting the bytes it holds.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// The heap bytes `value` holds (found by dropping it), plus its own size.
fn weigh<T>(value: T) -> isize {
    let before = live();
    drop(value);
    before - live() + std::mem::size_of::<T>() as isize
}

fn separated(root: &std::path::Path) -> (Vec<site::Folder>, visibility::Separated, site::Site) {
    let mut diags = Diagnostics::default();
    let source = source::read(root, &mut diags).expect("the site can be read");
    let mut site = site::assemble(source, &mut diags).expect("the site assembles");
    let folders = std::mem::take(&mut site.folders);
    let copy = site::assemble(
        source::read(root, &mut diags).expect("the site can be read"),
        &mut diags,
    )
    .expect("the site assembles");
    (folders, visibility::separate(site, &mut diags), copy)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(root) = args.get(1).map(std::path::PathBuf::from) else {
        eprintln!("usage: pass1_bytes <site-root> [N]");
        std::process::exit(2);
    };
    let (folders, mut merged, site) = separated(&root);
    let n = args
        .get(2)
        .map_or(folders.len(), |n| n.parse().expect("N is a number"))
        .min(folders.len());
    let targets = site.config.language.clone();
    let glossary = markdown::Glossary::from_site(&merged.public);
    let before = live();
    let list: Vec<site::Folder> = folders[..n].to_vec();
    let file_lists = live() - before;
    drop(list);
    let mut parts: Vec<(&str, isize)> = [
        "listing (PublicDecision)",
        "withholding report",
        "language part",
        "guard source facts",
        "related/divisions/label refs",
        "diagnostics and number",
    ]
    .into_iter()
    .map(|name| (name, 0))
    .collect();
    for f in &folders[..n] {
        let read = folder::read_all(&root, &[f]).pop().unwrap().unwrap();
        let (pass, _) = folder::first_pass(&targets, glossary.as_ref(), read, false, false);
        let folder::FirstPass {
            diagnostics,
            number,
            decision,
            ..
        } = pass;
        parts[5].1 += weigh((diagnostics, number));
        let Some(kept) = decision else { continue };
        parts[0].1 += weigh(kept.listing.clone());
        parts[1].1 += weigh(kept.report.clone());
        parts[2].1 += weigh(kept.language);
        parts[3].1 += weigh(kept.sources);
        parts[4].1 += weigh((kept.related, kept.divisions, kept.status_label));
        merged.add_decision(kept.listing, kept.report, kept.prints);
    }
    let per = |bytes: isize| bytes as f64 / n as f64;
    println!("{n} folders; heap bytes per decision (each value's own size included):");
    println!("as pass 1 makes it, one folder at a time:");
    for (name, bytes) in &parts {
        println!("  {name:32} {:8.0}", per(*bytes));
    }
    println!(
        "  {:32} {:8.0}",
        "folder's file list (site::Folder)",
        per(file_lists)
    );
    let mut diags = Diagnostics::default();
    let (public, report, fingerprints) = merged.finish(&mut diags);
    println!("merged, after the fingerprints are made:");
    println!(
        "  {:32} {:8.0}",
        "public model (listings)",
        per(weigh(public))
    );
    println!("  {:32} {:8.0}", "withholding report", per(weigh(report)));
    println!("  {:32} {:8.0}", "fingerprints", per(weigh(fingerprints)));
}
