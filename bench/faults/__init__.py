"""`make faults`: Weft under a bounded loopback load while its PostgreSQL, Redis and worker
are stopped, killed and restarted (bench/faults/run.py); its own services on spare ports
(bench/faults/services.py), never the machine's shared ones."""
