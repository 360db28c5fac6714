//! What a pool remembers of each callee: its last caller IDs, most recent
//! first, for rotate mode's fatigue rule and sticky mode's binding.
//!
//! The memory is bounded twice over. It holds at most the policy's
//! `remember_callees` callees; when it is full, the callee called least
//! recently is forgotten first (exact LRU: a doubly linked list through the
//! entries). Each callee keeps its last `remember_uses` uses. A callee whose
//! newest use is older than the memory's time to live (taken from the
//! policy: the sticky TTL, or rotate mode's window when it has no call
//! count) counts as forgotten, and its entry is the first one reused.
//!
//! Layout, for a million callees: a hash index of `u32` entry numbers
//! (hashbrown's `HashTable`, 4 bytes and a control byte per bucket), and a
//! flat arena of 16-byte entries (the callee's digits as a `u64` and the
//! LRU links) beside 8 bytes per use (member slot, seconds since 1970).
//! With the default four uses that is under 64 bytes per callee.

use hashbrown::HashTable;

use crate::e164::E164;

/// An empty use's member slot, and the end of the LRU list.
const NONE: u32 = u32::MAX;

/// One remembered use: the member's slot in the pool and when, in whole
/// seconds since 1970 (clamped to `u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Use {
    pub slot: u32,
    pub at: u32,
}

impl Use {
    const EMPTY: Use = Use { slot: NONE, at: 0 };
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The callee's digits (never 0: E.164 digits start with 1–9).
    key: u64,
    /// Towards the most recently used.
    prev: u32,
    /// Towards the least recently used.
    next: u32,
}

/// The callee memory of one pool.
#[derive(Debug, Clone)]
pub(crate) struct CalleeMemory {
    max: usize,
    per_callee: usize,
    /// Seconds after its newest use that a callee is forgotten.
    ttl: Option<u32>,
    index: HashTable<u32>,
    entries: Vec<Entry>,
    /// `per_callee` uses per entry, most recent first; empty uses last.
    uses: Vec<Use>,
    /// Most recently used entry, or NONE.
    head: u32,
    /// Least recently used entry, or NONE.
    tail: u32,
}

/// The memory key of a callee: its digits as a number.
pub(crate) fn key_of(e164: &E164) -> u64 {
    e164.as_bytes()[1..]
        .iter()
        .fold(0u64, |k, b| k * 10 + u64::from(b.wrapping_sub(b'0')))
}

/// The callee of a memory key.
pub(crate) fn e164_of(key: u64) -> Option<E164> {
    E164::from_canonical(&format!("+{key}")).ok()
}

fn hash(key: u64) -> u64 {
    // splitmix64's finaliser: hashbrown reads the top bits as tags.
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Seconds since 1970 of a time, clamped to what a `Use` holds.
pub(crate) fn secs(t: chrono::DateTime<chrono::Utc>) -> u32 {
    t.timestamp().clamp(0, i64::from(u32::MAX)) as u32
}

impl CalleeMemory {
    /// A memory of at most `max` callees with `per_callee` uses each.
    pub(crate) fn new(max: usize, per_callee: usize, ttl: Option<u32>) -> CalleeMemory {
        CalleeMemory {
            max,
            per_callee: per_callee.max(1),
            ttl,
            index: HashTable::new(),
            entries: Vec::new(),
            uses: Vec::new(),
            head: NONE,
            tail: NONE,
        }
    }

    /// Callees remembered (forgotten-by-age ones included until reused).
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes of heap the memory holds.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.index.allocation_size()
            + self.entries.capacity() * std::mem::size_of::<Entry>()
            + self.uses.capacity() * std::mem::size_of::<Use>()
    }

    fn find(&self, key: u64) -> Option<usize> {
        self.index
            .find(hash(key), |&i| self.entries[i as usize].key == key)
            .map(|&i| i as usize)
    }

    fn uses_of(&self, entry: usize) -> &[Use] {
        let all = &self.uses[entry * self.per_callee..(entry + 1) * self.per_callee];
        let n = all.iter().take_while(|u| u.slot != NONE).count();
        &all[..n]
    }

    fn expired(&self, entry: usize, now: u32) -> bool {
        match (self.ttl, self.uses_of(entry).first()) {
            (Some(ttl), Some(u)) => now.saturating_sub(u.at) >= ttl,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The callee's remembered uses, most recent first (empty when it is
    /// not remembered or was forgotten by age at `now`).
    pub(crate) fn get(&self, key: u64, now: u32) -> &[Use] {
        match self.find(key) {
            Some(e) if !self.expired(e, now) => self.uses_of(e),
            _ => &[],
        }
    }

    fn unlink(&mut self, e: usize) {
        let Entry { prev, next, .. } = self.entries[e];
        match prev {
            NONE => self.head = next,
            p => self.entries[p as usize].next = next,
        }
        match next {
            NONE => self.tail = prev,
            n => self.entries[n as usize].prev = prev,
        }
    }

    fn push_front(&mut self, e: usize) {
        self.entries[e].prev = NONE;
        self.entries[e].next = self.head;
        match self.head {
            NONE => self.tail = e as u32,
            h => self.entries[h as usize].prev = e as u32,
        }
        self.head = e as u32;
    }

    /// The entry of `key`, made (reusing the least recently used entry
    /// when the memory is full or that entry was forgotten by age).
    fn entry_for(&mut self, key: u64, now: u32) -> Option<usize> {
        if let Some(e) = self.find(key) {
            if self.expired(e, now) {
                self.clear_uses(e);
            }
            self.unlink(e);
            self.push_front(e);
            return Some(e);
        }
        if self.max == 0 {
            return None;
        }
        let reuse = self.tail != NONE
            && (self.entries.len() >= self.max || self.expired(self.tail as usize, now));
        let e = if reuse {
            let e = self.tail as usize;
            let old = self.entries[e].key;
            if let Ok(found) = self.index.find_entry(hash(old), |&i| i as usize == e) {
                found.remove();
            }
            self.unlink(e);
            self.clear_uses(e);
            e
        } else {
            let e = self.entries.len();
            self.entries.push(Entry {
                key,
                prev: NONE,
                next: NONE,
            });
            self.uses
                .extend(std::iter::repeat_n(Use::EMPTY, self.per_callee));
            e
        };
        self.entries[e].key = key;
        let entries = &self.entries;
        self.index
            .insert_unique(hash(key), e as u32, |&i| hash(entries[i as usize].key));
        self.push_front(e);
        Some(e)
    }

    fn clear_uses(&mut self, e: usize) {
        self.uses[e * self.per_callee..(e + 1) * self.per_callee].fill(Use::EMPTY);
    }

    /// Records that `slot` called the callee at `at`. Uses stay ordered by
    /// time, most recent first; the same use recorded twice (a delta
    /// applied again) is kept once.
    pub(crate) fn record(&mut self, key: u64, u: Use) {
        let Some(e) = self.entry_for(key, u.at) else {
            return;
        };
        let n = self.per_callee;
        let list = &mut self.uses[e * n..(e + 1) * n];
        let filled = list.iter().take_while(|x| x.slot != NONE).count();
        if list[..filled].contains(&u) {
            return;
        }
        let pos = list[..filled]
            .iter()
            .position(|x| x.at < u.at)
            .unwrap_or(filled);
        if pos >= n {
            return; // older than every remembered use of a full history
        }
        list[pos..].rotate_right(1);
        list[pos] = u;
    }

    /// Every remembered callee with its uses, most recently used first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &[Use])> + '_ {
        let mut at = self.head;
        std::iter::from_fn(move || {
            while at != NONE {
                let e = at as usize;
                at = self.entries[e].next;
                let uses = self.uses_of(e);
                if !uses.is_empty() {
                    return Some((self.entries[e].key, uses));
                }
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(slot: u32, at: u32) -> Use {
        Use { slot, at }
    }

    #[test]
    fn uses_stay_newest_first_bounded_and_deduplicated() {
        let mut m = CalleeMemory::new(10, 3, None);
        m.record(15551230001, u(1, 100));
        m.record(15551230001, u(2, 300));
        m.record(15551230001, u(3, 200)); // late delta: lands in time order
        m.record(15551230001, u(2, 300)); // applied twice: once
        assert_eq!(m.get(15551230001, 400), &[u(2, 300), u(3, 200), u(1, 100)]);
        m.record(15551230001, u(4, 400));
        assert_eq!(m.get(15551230001, 400), &[u(4, 400), u(2, 300), u(3, 200)]);
        m.record(15551230001, u(5, 50)); // older than a full history
        assert_eq!(m.get(15551230001, 400).len(), 3);
        assert!(m.get(15551230002, 400).is_empty());
    }

    #[test]
    fn the_least_recently_called_callee_is_forgotten_first() {
        let mut m = CalleeMemory::new(3, 2, None);
        for k in 1..=3u64 {
            m.record(10 + k, u(k as u32, k as u32));
        }
        m.record(11, u(9, 10)); // 11 is now the most recent
        m.record(14, u(4, 11)); // evicts 12, the least recent
        assert!(m.get(12, 20).is_empty());
        for k in [11, 13, 14] {
            assert!(!m.get(k, 20).is_empty(), "{k} kept");
        }
        assert_eq!(m.len(), 3);
        let order: Vec<u64> = m.iter().map(|(k, _)| k).collect();
        assert_eq!(order, vec![14, 11, 13]);
    }

    #[test]
    fn a_callee_past_its_ttl_is_forgotten_and_its_entry_reused() {
        let mut m = CalleeMemory::new(100, 2, Some(60));
        m.record(11, u(1, 1000));
        assert_eq!(m.get(11, 1059).len(), 1);
        assert!(m.get(11, 1060).is_empty());
        m.record(12, u(2, 1100)); // reuses 11's entry
        assert_eq!(m.len(), 1);
        assert!(m.get(11, 1100).is_empty());
        m.record(12, u(3, 1200)); // 12 itself expired: starts afresh
        assert_eq!(m.get(12, 1200), &[u(3, 1200)]);
    }

    #[test]
    fn a_memory_of_zero_callees_remembers_nothing() {
        let mut m = CalleeMemory::new(0, 4, None);
        m.record(11, u(1, 1));
        assert!(m.get(11, 1).is_empty());
        assert_eq!(m.len(), 0);
    }

    #[test]
    fn keys_round_trip_through_e164() {
        for s in ["+12125550101", "+442071838750", "+8613912345678"] {
            let e = E164::from_canonical(s).unwrap();
            assert_eq!(e164_of(key_of(&e)), Some(e));
        }
    }
}
