"""The smallest source files a load needs: two detections of one lorry at Dover."""

from __future__ import annotations

__all__ = ["DETECTIONS"]

#: detections.csv with two rows (formats.md): one lorry, one driver, two phones, Dover.
DETECTIONS = (
    "detection_ref,detected_at,location_type,port_locode,vrm,driver_name,driver_dob,"
    "driver_phone,entrants_count,reporting_agency\n"
    "D-1,2025-03-01T02:14:00,PORT,GBDVR,ZZ01 AAA,Jan Testowy,1980-01-02,07700 900001,4,"
    "Border Force\n"
    "D-2,2025-04-01T02:14:00,PORT,GBDVR,ZZ01 AAA,Jan Testowy,1980-01-02,07700 900002,3,"
    "Border Force\n"
)
