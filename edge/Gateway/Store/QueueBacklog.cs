namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The pending rows of one forward queue (lane, shard) as store sequences in store order, in memory: what the queue's
/// reads list and what its floor (<see cref="ForwardFloors"/>) is derived from. The writer thread adds a row after the
/// commit that stored it and removes one when it is marked or evicted (inside that transaction; a failed commit
/// rebuilds every backlog from the table). Readers (the lane's reader, the depth gauge) take the lock.
/// A sorted ring of 8 bytes per pending row (1 M pending rows: 8 MB) plus a set of the rows removed out of order
/// (an express alarm, a partial answer), which leave the ring once they reach its head.
/// </summary>
internal sealed class QueueBacklog
{
    private readonly object _lock = new();
    private readonly HashSet<long> _gone = [];
    private long[] _ring = new long[64];
    private int _head;
    private int _count;
    private long _last;

    /// <summary>Rows still pending.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _count - _gone.Count;
            }
        }
    }

    /// <summary>The oldest pending row's store sequence, or null when nothing is pending.</summary>
    public long? Oldest
    {
        get
        {
            lock (_lock)
            {
                return _count == 0 ? null : At(0);
            }
        }
    }

    /// <summary>Adds a committed row; store sequences only grow.</summary>
    public void Add(long storeSequence)
    {
        lock (_lock)
        {
            if (storeSequence <= _last)
            {
                throw new InvalidOperationException($"store sequence {storeSequence} added after {_last}: a backlog is in store order");
            }

            if (_count == _ring.Length)
            {
                var larger = new long[_ring.Length * 2];
                for (var i = 0; i < _count; i++)
                {
                    larger[i] = At(i);
                }

                _ring = larger;
                _head = 0;
            }

            _ring[(_head + _count) & (_ring.Length - 1)] = storeSequence;
            _count++;
            _last = storeSequence;
        }
    }

    /// <summary>Removes a row (marked or evicted); false when it was not pending here.</summary>
    public bool Remove(long storeSequence)
    {
        lock (_lock)
        {
            var index = IndexOf(storeSequence);
            if (index < 0 || _gone.Contains(storeSequence))
            {
                return false;
            }

            if (index > 0)
            {
                _gone.Add(storeSequence);
                return true;
            }

            PopHead();
            while (_count > 0 && _gone.Remove(At(0)))
            {
                PopHead();
            }

            return true;
        }
    }

    /// <summary>True while the row is pending here.</summary>
    public bool Contains(long storeSequence)
    {
        lock (_lock)
        {
            return IndexOf(storeSequence) >= 0 && !_gone.Contains(storeSequence);
        }
    }

    /// <summary>
    /// Every row of this queue at or below the floor is done (forwarded or rejected): the oldest pending row's store
    /// sequence minus one, or <paramref name="whenEmpty"/> (the store's last committed sequence) when none is pending.
    /// </summary>
    public long Floor(long whenEmpty)
    {
        lock (_lock)
        {
            return _count == 0 ? whenEmpty : At(0) - 1;
        }
    }

    /// <summary>Appends up to <paramref name="max"/> pending rows after <paramref name="after"/>, in store order.</summary>
    public void Read(long after, int max, List<long> into)
    {
        var end = into.Count + max;
        lock (_lock)
        {
            // The first row after the cursor: a binary search over the ring in store order.
            int low = 0, high = _count;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (At(middle) <= after)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            for (var i = low; i < _count && into.Count < end; i++)
            {
                var sequence = At(i);
                if (_gone.Count == 0 || !_gone.Contains(sequence))
                {
                    into.Add(sequence);
                }
            }
        }
    }

    private long At(int index) => _ring[(_head + index) & (_ring.Length - 1)];

    private void PopHead()
    {
        _head = (_head + 1) & (_ring.Length - 1);
        _count--;
    }

    private int IndexOf(long storeSequence)
    {
        int low = 0, high = _count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var value = At(middle);
            if (value == storeSequence)
            {
                return middle;
            }

            if (value < storeSequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}
