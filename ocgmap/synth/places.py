"""Where lorries go: port pairs with their share of freight, ANPR cameras, services."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CAMERAS", "INBOUND_ROUTES", "Camera", "Route", "cameras_near"]


@dataclass(frozen=True)
class Route:
    """A freight route into GB: continental port, GB port, carrier, relative weight."""

    dep: str
    arr: str
    carrier: str
    weight: float
    unaccompanied: float = 0.0


#: Inbound routes (outbound crossings use the same pairs reversed). Weights follow the
#: Dover Strait's dominance for powered vehicles and the North Sea for unaccompanied trailers.
INBOUND_ROUTES: tuple[Route, ...] = (
    Route("FRCQF", "GBDVR", "P&O Ferries", 26.0),
    Route("FRDKK", "GBDVR", "DFDS", 14.0),
    Route("FRCQS", "GBFOL", "Eurotunnel Le Shuttle", 24.0),
    Route("BEZEE", "GBPFT", "CLdN", 4.0, unaccompanied=0.9),
    Route("NLRTM", "GBKGH", "CLdN", 3.0, unaccompanied=0.9),
    Route("NLEUR", "GBHUL", "P&O Ferries", 5.0, unaccompanied=0.5),
    Route("NLHVH", "GBHRW", "Stena Line", 4.0, unaccompanied=0.6),
    Route("NLVLI", "GBKGH", "CLdN", 2.0, unaccompanied=0.9),
    Route("BEZEE", "GBTIL", "Finnlines", 2.0, unaccompanied=0.8),
    Route("FRCER", "GBPME", "Brittany Ferries", 3.0),
    Route("FROUI", "GBPME", "Brittany Ferries", 2.0),
    Route("IEROE", "GBFIS", "Stena Line", 1.5),
    Route("IEDUB", "GBHLY", "Irish Ferries", 3.0),
    Route("FRDPE", "GBNHV", "DFDS", 1.5),
)


@dataclass(frozen=True)
class Camera:
    """An ANPR camera: id, name, road, direction, position, nearest GB port, services."""

    camera_id: str
    name: str
    road: str
    direction: str
    lat: float
    lon: float
    port: str
    services: str | None = None


CAMERAS: tuple[Camera, ...] = (
    Camera("KNT-A20-001", "A20 Dover Western Docks", "A20", "NB", 51.117, 1.300, "GBDVR"),
    Camera("KNT-M20-J11", "M20 J11 Westenhanger", "M20", "WB", 51.089, 1.061, "GBFOL"),
    Camera("KNT-M20-J09", "M20 J9 Ashford", "M20", "WB", 51.156, 0.866, "GBDVR"),
    Camera("KNT-M20-J08", "M20 J8 Hollingbourne", "M20", "WB", 51.262, 0.617, "GBDVR"),
    Camera("KNT-A2-001", "A2 Lydden", "A2", "NB", 51.164, 1.238, "GBDVR"),
    Camera("KNT-M2-J05", "M2 J5 Sittingbourne", "M2", "WB", 51.313, 0.683, "GBDVR"),
    Camera(
        "KNT-SVC-S24",
        "Stop 24 Services M20 J11",
        "M20",
        "WB",
        51.087,
        1.058,
        "GBFOL",
        services="Stop 24 Services",
    ),
    Camera(
        "KNT-SVC-MDS",
        "Maidstone Services M20 J8",
        "M20",
        "WB",
        51.258,
        0.612,
        "GBDVR",
        services="Maidstone Services",
    ),
    Camera("ESX-A1306-01", "A1306 Purfleet", "A1306", "WB", 51.482, 0.238, "GBPFT"),
    Camera("ESX-M25-J30", "M25 J30 Thurrock", "M25", "NB", 51.486, 0.267, "GBPFT"),
    Camera(
        "ESX-SVC-THR",
        "Thurrock Services M25 J30",
        "M25",
        "NB",
        51.489,
        0.271,
        "GBPFT",
        services="Thurrock Services",
    ),
    Camera("ESX-A13-001", "A13 Tilbury", "A13", "WB", 51.470, 0.360, "GBTIL"),
    Camera("ESX-A120-01", "A120 Harwich", "A120", "WB", 51.930, 1.180, "GBHRW"),
    Camera("HUM-A63-001", "A63 Hull Docks", "A63", "WB", 53.740, -0.300, "GBHUL"),
    Camera("HUM-A160-01", "A160 Killingholme", "A160", "WB", 53.640, -0.250, "GBKGH"),
    Camera("HUM-M180-J5", "M180 J5 Brigg", "M180", "WB", 53.560, -0.480, "GBKGH"),
    Camera("HMP-M27-J12", "M27 J12 Portsmouth", "M27", "WB", 50.850, -1.080, "GBPME"),
    Camera("HMP-M3-J09", "M3 J9 Winchester", "M3", "NB", 51.060, -1.290, "GBPME"),
    Camera("BDF-M1-J12", "M1 J12 Toddington", "M1", "NB", 51.940, -0.520, "GBDVR"),
    Camera(
        "BDF-SVC-TOD",
        "Toddington Services northbound",
        "M1",
        "NB",
        51.945,
        -0.523,
        "GBDVR",
        services="Toddington Services",
    ),
    Camera(
        "SRY-SVC-CLK",
        "Clacket Lane Services M25",
        "M25",
        "WB",
        51.280,
        0.040,
        "GBDVR",
        services="Clacket Lane Services",
    ),
    Camera("WLS-A55-001", "A55 Holyhead", "A55", "EB", 53.300, -4.600, "GBHLY"),
    Camera("WLS-A40-001", "A40 Fishguard", "A40", "EB", 51.990, -4.980, "GBFIS"),
    Camera("SSX-A26-001", "A26 Newhaven", "A26", "NB", 50.800, 0.050, "GBNHV"),
)


def cameras_near(port: str) -> tuple[Camera, ...]:
    """Cameras on the roads inland from a GB arrival port (services excluded)."""
    return tuple(c for c in CAMERAS if c.port == port and c.services is None)
