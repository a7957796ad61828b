//! A short list per id, all in one allocation.
//!
//! The engine keeps several lists per queue (the teams serving it, each
//! team's place for it) and reads one at every arrival. As a `Vec` per
//! queue, each read chases a pointer to a separate allocation: with a
//! thousand queues, a cache miss per read. [`Ragged`] keeps the lists end
//! to end in one vector, with their start offsets in another, so a read is
//! two adjacent offsets and a slice of the shared vector.

use std::marker::PhantomData;

/// A list of `T` per id `I` (`0..n`), stored end to end.
#[derive(Debug, Clone)]
pub(crate) struct Ragged<I, T> {
    /// List `i` is `items[starts[i]..starts[i + 1]]`; `n + 1` offsets.
    starts: Vec<usize>,
    items: Vec<T>,
    ids: PhantomData<fn(I)>,
}

impl<I: Into<usize>, T> Ragged<I, T> {
    /// The lists in id order (list `i` for id `i`).
    pub(crate) fn from_lists(lists: impl IntoIterator<Item = Vec<T>>) -> Ragged<I, T> {
        let mut starts = vec![0];
        let mut items = Vec::new();
        for list in lists {
            items.extend(list);
            starts.push(items.len());
        }
        Ragged { starts, items, ids: PhantomData }
    }

    /// The list of id `i`.
    #[inline(always)]
    pub(crate) fn get(&self, i: I) -> &[T] {
        let i: usize = i.into();
        let (start, end) = (self.starts[i], self.starts[i + 1]);
        &self.items[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_id_reads_back_its_own_list() {
        let lists = vec![vec![1, 2], vec![], vec![3], vec![4, 5, 6], vec![]];
        let r: Ragged<usize, i32> = Ragged::from_lists(lists.clone());
        for (i, list) in lists.iter().enumerate() {
            assert_eq!(r.get(i), &list[..], "list {i}");
        }
    }
}
