//! A time zone defined in a file (VTIMEZONE): its standard and daylight
//! rules, for targets that need them spelled out. Being built.
