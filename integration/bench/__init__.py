"""gregor's benchmark: the same workloads against gregor and Apache Kafka 3.9, side by side.

Modules, one job each:
  cli        the command line (`python -m bench`, run-bench.sh)
  plan       the cases, their sizes, and the client and topic settings both kinds get
  runner     one ZooKeeper, a cluster per kind, every case on each kind in alternating order
  target     one cluster under benchmark: timed start, topics, its processes' RSS and CPU
  workloads  how each case runs with each driver
  driver     builds and runs the librdkafka driver (tests/bench/rdkafka_bench.cc)
  parse      numbers out of Kafka's performance tools' output
  procstat   VmRSS, VmHWM and CPU time from /proc, and a sampler thread
  report     tables with kafka, gregor and the ratio; the JSON file
"""
