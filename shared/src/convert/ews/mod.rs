//! EWS SOAP requests and responses. Being built.
