package io.fleetlake.lake;

import java.util.concurrent.Callable;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps maintenance and micro-batches of one driver from committing into each other. Every streaming write
 * (a micro-batch) holds the shared side, so batches of different queries run side by side; maintenance of a
 * table holds the exclusive side, so an OPTIMIZE never removes files a MERGE in flight has read (Delta would
 * then fail that MERGE, and with it the stream). Fair: a waiting maintenance is not starved by batches.
 */
public final class LakeWriteLock {
  private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock(true);

  private LakeWriteLock() {}

  /** A streaming query's foreachBatch function whose every call holds the shared side. */
  public static VoidFunction2<Dataset<Row>, Long> batches(VoidFunction2<Dataset<Row>, Long> writes) {
    return (batch, id) -> {
      LOCK.readLock().lock();
      try {
        writes.call(batch, id);
      } finally {
        LOCK.readLock().unlock();
      }
    };
  }

  /** Runs a write between micro-batches (silver-locations filling in pending weather) as a batch would. */
  public static <T> T shared(Callable<T> write) throws Exception {
    LOCK.readLock().lock();
    try {
      return write.call();
    } finally {
      LOCK.readLock().unlock();
    }
  }

  /** Runs maintenance of a table once no micro-batch is writing. */
  public static <T> T exclusive(Callable<T> maintenance) throws Exception {
    LOCK.writeLock().lock();
    try {
      return maintenance.call();
    } finally {
      LOCK.writeLock().unlock();
    }
  }
}
