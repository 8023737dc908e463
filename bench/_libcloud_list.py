"""Apache Libcloud as Mist's inventory runs it: list every node of one account, then report.

Usage: _libcloud_list.py ec2|digitalocean URL CREDENTIAL [SECRET] [REGION,REGION...]
Prints one JSON line: {"machines": N, "seconds": S, "peak_rss_kb": K}. Libcloud's EC2 driver
is per region, so every region is listed in turn, as one cloud per region would be.
"""
import json
import sys
import time
from urllib.parse import urlparse

from libcloud.compute.providers import get_driver
from libcloud.compute.types import Provider


def peak_rss_kb() -> int:
    """This program's peak resident memory. Not ru_maxrss: that keeps the high-water mark of
    the parent the process was forked from, before it exec'd Python."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    provider, url, key = sys.argv[1], sys.argv[2], sys.argv[3]
    target = urlparse(url)
    where = dict(host=target.hostname, port=target.port, secure=target.scheme == "https")
    nodes = []
    if provider == "ec2":
        secret, regions = sys.argv[4], sys.argv[5].split(",")
        cls = get_driver(Provider.EC2)
        start = time.perf_counter()
        for region in regions:
            nodes.extend(cls(key, secret, region=region, signature_version="4", **where).list_nodes())
    elif provider == "digitalocean":
        # DigitalOceanNodeDriver.__new__ passes its keyword arguments on to object.__new__, which
        # refuses them, so the endpoint is set on the connection instead.
        cls = get_driver(Provider.DIGITAL_OCEAN)
        start = time.perf_counter()
        driver = cls(key)
        driver.connection.host = where["host"]
        driver.connection.port = where["port"]
        driver.connection.secure = where["secure"]
        driver.connection.connect()  # the driver connected to its default host when it was made
        nodes.extend(driver.list_nodes())
    else:
        raise SystemExit(f"unknown provider {provider}")
    seconds = time.perf_counter() - start
    peak = peak_rss_kb()
    print(json.dumps({"machines": len(nodes), "seconds": seconds, "peak_rss_kb": peak}))


if __name__ == "__main__":
    main()
