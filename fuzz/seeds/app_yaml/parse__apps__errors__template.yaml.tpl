controller:
  config:
%{ if legacy }
    ssl-protocols: "TLSv1 TLSv1.1 TLSv1.2"
%{ endif }
    ssl-ciphers: ${ciphers}
  other: [
